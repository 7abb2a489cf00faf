// The one guard around every callback uWebSockets.js (or a timer, or the bus) calls into us. An
// exception thrown inside a uWS callback is not caught by uWS: it ends the process. Here it is
// answered (a Discord-shaped 500, or close 4000 on a socket), logged with the route pattern (never
// the raw path, which can hold tokens) and counted in concord_unexpected_errors_total{where}.
import type { Logger } from 'pino';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { Metrics } from '../metrics.ts';

const INTERNAL_ERROR_BODY = '{"message":"500: Internal Server Error","code":0}';

/**
 * What is known about one HTTP response. uWS invalidates the response after an abort or after
 * end(): writing to it then throws, so every write goes through `respond`, which checks both.
 */
export class ResponseState {
  aborted = false;
  done = false;
  private readonly abortHandlers: (() => void)[] = [];

  constructor(readonly res: HttpResponse) {}

  /** Runs `fn` when the client goes away before the response ended (uWS keeps one onAborted per response). */
  onAbort(fn: () => void): void {
    this.abortHandlers.push(fn);
  }

  /** Called once by the guard's onAborted. */
  abort(): void {
    this.aborted = true;
    for (const fn of this.abortHandlers) fn();
  }

  /** Whether the response can still be written. */
  get writable(): boolean {
    return !this.aborted && !this.done;
  }

  /**
   * Writes a whole response once; later calls and calls after an abort do nothing. Returns whether it
   * wrote. `headOnly` (a HEAD request) sends the headers and no body: a body after a HEAD answer
   * would be read as the next response on a keep-alive connection (RFC 9110 9.3.2). It ends with an
   * empty body (Content-Length: 0) rather than endWithoutBody(length), after which this uWS build
   * reads no further request on the connection.
   */
  respond(status: string, headers: Record<string, string>, body: string | Uint8Array = '', headOnly = false): boolean {
    if (!this.writable) return false;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(status);
      for (const [k, v] of Object.entries(headers)) this.res.writeHeader(k, v);
      this.res.end(headOnly ? '' : body);
    });
    return true;
  }

  /** Marks the response as ended by someone writing it directly (streaming). */
  markDone(): void {
    this.done = true;
  }
}

export type GuardedHttpHandler = (r: ResponseState, req: HttpRequest) => void | Promise<void>;

export class UwsGuard {
  constructor(
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Wraps an HTTP handler: the response state tracks aborts, and a throw or a rejection answers
   * 500 unless the handler already answered. `where` names the route pattern, not the request path.
   */
  http(where: string, handler: GuardedHttpHandler): (res: HttpResponse, req: HttpRequest) => void {
    return (res, req) => {
      const r = new ResponseState(res);
      res.onAborted(() => r.abort());
      try {
        const pending = handler(r, req);
        if (pending) pending.catch((e: unknown) => this.failHttp(where, r, e));
      } catch (e) {
        this.failHttp(where, r, e);
      }
    };
  }

  /** Answers 500 for a request whose handler failed (once; nothing after an abort or an answer). */
  failHttp(where: string, r: ResponseState, e: unknown): void {
    this.report(where, e);
    try {
      r.respond('500 Internal Server Error', { 'content-type': 'application/json' }, INTERNAL_ERROR_BODY);
    } catch (writeError) {
      // The response was invalidated under us (uWS throws on a discarded response).
      this.report(`${where}.respond`, writeError);
    }
  }

  /** Wraps a callback with no response to write (timers, bus handlers): a throw is logged and counted. */
  callback<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (e) {
        this.report(where, e);
      }
    };
  }

  /** Runs `fn` and reports a throw; `onError` gets to clean up (e.g. close a socket with 4000). */
  run(where: string, fn: () => void, onError?: () => void): void {
    try {
      fn();
    } catch (e) {
      this.report(where, e);
      if (onError) {
        try {
          onError();
        } catch (cleanupError) {
          this.report(`${where}.cleanup`, cleanupError);
        }
      }
    }
  }

  /** Logs and counts an unexpected error; `where` is a fixed label (metric cardinality stays bounded). */
  report(where: string, e: unknown, context: Record<string, unknown> = {}): void {
    this.metrics.handlerErrors.inc({ where });
    this.log.error({ ...context, err: e, where }, `unexpected error in ${where}`);
  }
}
