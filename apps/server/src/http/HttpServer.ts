// REST on uWebSockets.js: reads the headers, checks path ids, authenticates and applies rate limits
// and the route's pre-body checks before the body is read (with a size limit), runs the route and
// renders every error the same way, Discord-shaped: {code, message, errors?} with the right status.
import { parseWith, z, type FieldErrors } from '@concord/protocol';
import uws, { type HttpRequest, type TemplatedApp } from 'uWebSockets.js';
import type { AuthService } from '../domain/AuthService.ts';
import type { Metrics } from '../metrics.ts';
import { DomainError, RateLimitedError } from '../domain/DomainError.ts';
import { RateLimiter } from './RateLimiter.ts';
import { invalidPathParam } from './pathParams.ts';
import { DEFAULT_RULE, JsonText, Reply, type PreBodyContext, type RequestContext, type RouteDef } from './Route.ts';
import { Router, type Params } from './Router.ts';
import type { ResponseState, UwsGuard } from './UwsGuard.ts';

const JSON_BODY_LIMIT = 1024 * 1024;
const API_PREFIX = /^\/api(?:\/v(\d+))?(\/.*)?$/;
const SUPPORTED_API_VERSIONS = new Set([9, 10]);
const decoder = new TextDecoder();

export interface HttpServerOptions {
  rateLimits: boolean;
  maxUploadBytes: number;
  /**
   * The largest multipart body any caller may send to a route with `maxBodyBytes` (the best
   * premium/boost upload limit); the route's own limit for this caller is applied once they are known.
   */
  maxUploadCeilingBytes?: number;
}

interface PendingRequest {
  method: string;
  query: string;
  authorization: string;
  contentType: string;
  contentLength: number;
  auditLogReason: string | null;
  host: string;
  ip: string;
  ifNoneMatch: string | null;
}

/**
 * The request body as it arrives. uWS hands body chunks only to a handler registered during the
 * request callback, so it is registered at once; the socket is paused until the caller is known, so
 * an unauthenticated or refused upload is answered without its body ever being buffered.
 */
class BodyReader {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private settle: ((body: Buffer | null) => void) | null = null;
  private readonly r: ResponseState;
  private readonly onOverLimit: () => void;
  private result: Buffer | null | undefined;
  /** Set when the body went over the limit: the request is answered 413. */
  overLimit = false;

  constructor(
    r: ResponseState,
    private limit: number,
    onOverLimit: () => void,
  ) {
    this.r = r;
    this.onOverLimit = onOverLimit;
    r.res.onData((chunk, isLast) => {
      if (this.result !== undefined || !r.writable) return;
      this.received += chunk.byteLength;
      if (this.received > this.limit) {
        this.overLimit = true;
        this.finish(null);
        onOverLimit();
        return;
      }
      // The chunk is only valid during this callback: copy it.
      this.chunks.push(Buffer.from(new Uint8Array(chunk).slice()));
      if (isLast) this.finish(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
    });
    r.onAbort(() => this.finish(null));
  }

  /** Lowers the limit once the caller is known (a per-user upload limit); bytes already over it end the body. */
  lowerLimit(limit: number): void {
    if (limit >= this.limit) return;
    this.limit = limit;
    if (this.result === undefined && this.r.writable && this.received > limit) {
      this.overLimit = true;
      this.finish(null);
      this.onOverLimit();
    }
  }

  private finish(body: Buffer | null): void {
    if (this.result !== undefined) return;
    this.result = body;
    this.chunks.length = 0;
    this.settle?.(body);
  }

  /** The whole body, or null when the request was aborted or went over the limit. */
  read(): Promise<Buffer | null> {
    if (this.result !== undefined) return Promise.resolve(this.result);
    return new Promise((resolve) => (this.settle = resolve));
  }
}

export class HttpServer {
  private readonly router = new Router<RouteDef>();
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly auth: AuthService,
    private readonly metrics: Metrics,
    private readonly options: HttpServerOptions,
    private readonly guard: UwsGuard,
  ) {}

  addRoutes(routes: readonly RouteDef[]): void {
    for (const r of routes) this.router.add(r.method, r.path, r);
  }

  attach(app: TemplatedApp): void {
    const handler = this.guard.http('http.api', (r, req) => this.onRequest(r, req));
    app.any('/api/*', handler);
    app.any('/api', handler);
  }

  private onRequest(r: ResponseState, req: HttpRequest): void {
    // Everything from req must be read now: it is invalid after this function returns.
    const url = req.getUrl();
    const p: PendingRequest = {
      method: req.getCaseSensitiveMethod().toUpperCase(),
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- typed string, but uWS 20.30 returns undefined when the URL has no '?' (uWebSockets.js#1035)
      query: req.getQuery() ?? '',
      authorization: req.getHeader('authorization'),
      contentType: req.getHeader('content-type'),
      contentLength: Number(req.getHeader('content-length') || '0'),
      auditLogReason: req.getHeader('x-audit-log-reason') || null,
      host: req.getHeader('host'),
      ip: '',
      ifNoneMatch: req.getHeader('if-none-match') || null,
    };
    const started = performance.now();
    const m = API_PREFIX.exec(url);
    const version = m?.[1] ? Number(m[1]) : 9;
    const path = m?.[2] ?? '/';
    if (!SUPPORTED_API_VERSIONS.has(version)) {
      this.send(r, p, new DomainError('InvalidApiVersion'), started, 'unknown');
      return;
    }
    if (p.method === 'OPTIONS') {
      this.send(r, p, new Reply(204, undefined), started, 'options');
      return;
    }
    const found = this.router.lookup(p.method, path);
    if (found.kind !== 'found') {
      const err = found.kind === 'method_not_allowed' ? new DomainError('HttpMethodNotAllowed') : new DomainError('HttpNotFound');
      this.send(r, p, err, started, 'unknown');
      return;
    }
    const { handler: route, params, pattern } = found.match;
    const badParam = invalidPathParam(params, pattern);
    if (badParam) {
      this.send(r, p, badParam, started, pattern);
      return;
    }
    const isMultipart = p.contentType.toLowerCase().startsWith('multipart/form-data');
    if (isMultipart && !route.multipart) {
      this.send(r, p, DomainError.invalidForm({ _errors: [{ code: 'CONTENT_TYPE_INVALID', message: 'Expected "Content-Type" header to be one of {\'application/json\'}.' }] }), started, pattern);
      return;
    }
    const multipartLimit = route.maxBodyBytes ? Math.max(this.options.maxUploadCeilingBytes ?? 0, this.options.maxUploadBytes) : this.options.maxUploadBytes;
    const limit = isMultipart ? multipartLimit + 1024 * 1024 : JSON_BODY_LIMIT;
    if (!Number.isFinite(p.contentLength) || p.contentLength > limit) {
      this.send(r, p, this.tooLarge(isMultipart, multipartLimit), started, pattern);
      return;
    }
    if (route.auth === 'required' && !p.authorization) {
      // Answered before a byte of the body is read.
      this.send(r, p, new DomainError('HttpUnauthorized'), started, pattern);
      return;
    }
    let answeredLimit = multipartLimit;
    const body = new BodyReader(r, limit, () => this.send(r, p, this.tooLarge(isMultipart, answeredLimit), started, pattern));
    const lowerLimit = (fileLimit: number) => {
      answeredLimit = fileLimit;
      body.lowerLimit(fileLimit + 1024 * 1024);
    };
    this.run(r, p, route, params, body, isMultipart, started, pattern, lowerLimit).catch((e: unknown) => {
      this.guard.report('http.run', e, { route: pattern, method: p.method });
      this.send(r, p, new DomainError('HttpInternalServerError'), started, pattern);
    });
  }

  private tooLarge(multipart: boolean, fileLimit = this.options.maxUploadBytes): DomainError {
    return multipart
      ? new DomainError('RequestEntityTooLarge', `Request entity too large: files may be at most ${Math.floor(fileLimit / (1024 * 1024))} MB`)
      : new DomainError('RequestEntityTooLarge');
  }

  private async run(
    r: ResponseState,
    p: PendingRequest,
    route: RouteDef,
    params: Params,
    bodyReader: BodyReader,
    isMultipart: boolean,
    started: number,
    pattern: string,
    lowerLimit: (fileLimit: number) => void,
  ): Promise<void> {
    let result: unknown;
    const headers: Record<string, string> = {};
    // No body is read until the caller is authenticated and the route's pre-body checks passed.
    let paused = Boolean(p.authorization) && !r.aborted;
    if (paused) r.res.pause();
    // A paused socket must be resumed whatever the outcome: it carries the next keep-alive request.
    const resume = () => {
      if (paused && r.writable) r.res.resume();
      paused = false;
    };
    try {
      const user = p.authorization ? await this.auth.authenticate(p.authorization) : null;
      if (r.aborted) return;
      if (route.auth === 'required' && !user) throw new DomainError('HttpUnauthorized');
      // The peer address is read only when it is needed: anonymous requests (rate limits, login throttling).
      if (!user && !p.ip) p.ip = decoder.decode(r.res.getRemoteAddressAsText());
      if (this.options.rateLimits) {
        const identity = user?.id ?? p.ip;
        const bucket = route.bucket ?? `${route.method} ${route.path}`;
        const major = params['channel_id'] ?? params['guild_id'] ?? params['webhook_id'] ?? '';
        const d = this.limiter.check(identity, bucket, major, route.rule ?? DEFAULT_RULE);
        headers['x-ratelimit-limit'] = String(d.limit);
        headers['x-ratelimit-remaining'] = String(d.remaining);
        headers['x-ratelimit-reset'] = (d.resetAtMs / 1000).toFixed(3);
        headers['x-ratelimit-reset-after'] = (d.resetAfterMs / 1000).toFixed(3);
        headers['x-ratelimit-bucket'] = hashBucket(bucket + ':' + major);
        if (!d.allowed) {
          headers['retry-after'] = String(Math.ceil(d.resetAfterMs / 1000));
          if (d.global) headers['x-ratelimit-global'] = 'true';
          headers['x-ratelimit-scope'] = d.global ? 'global' : 'user';
          result = new Reply(429, { message: 'You are being rate limited.', retry_after: d.resetAfterMs / 1000, global: d.global }, headers);
        }
      }
      if (result === undefined) {
        const pre: PreBodyContext = { params, user, multipart: isMultipart, contentLength: p.contentLength };
        if (route.beforeBody) await (route.beforeBody as (c: PreBodyContext) => unknown)(pre);
        if (isMultipart && route.maxBodyBytes) {
          // This caller's own upload limit (premium, boosts): refused before the body is read when Content-Length says so.
          const fileLimit = (route.maxBodyBytes as (c: PreBodyContext) => number)(pre);
          if (p.contentLength > fileLimit + 1024 * 1024) throw this.tooLarge(true, fileLimit);
          lowerLimit(fileLimit);
        }
        if (paused) resume();
        const rawBody = await bodyReader.read();
        if (rawBody === null) return; // aborted, or answered 413 already
        let body: unknown = {};
        let parts = null;
        if (isMultipart) {
          parts = uws.getParts(rawBody, p.contentType) ?? null;
          if (!parts) throw DomainError.invalidForm({ _errors: [{ code: 'MULTIPART_INVALID', message: 'Malformed multipart body' }] });
          const payload = parts.find((part) => part.name === 'payload_json');
          if (payload) body = parseJsonBody(Buffer.from(payload.data));
          else {
            const fields: Record<string, string> = {};
            for (const part of parts) if (!part.filename && part.name !== 'payload_json') fields[part.name] = decoder.decode(part.data);
            body = fields;
          }
        } else if (rawBody.length > 0) body = parseJsonBody(rawBody);
        const ctx: RequestContext = {
          params,
          query: new URLSearchParams(p.query),
          body,
          parts,
          user,
          authorization: p.authorization,
          auditLogReason: p.auditLogReason ? safeDecode(p.auditLogReason) : null,
          ip: p.ip,
          origin: `http://${p.host}`,
          ifNoneMatch: p.ifNoneMatch,
        };
        result = await (route.handler as (c: RequestContext) => unknown)(ctx);
      }
    } catch (e) {
      result = e instanceof DomainError ? e : this.unexpected(e, p.method, pattern);
    }
    // Resumed before the answer: uWS invalidates the response once it has ended. Body bytes that
    // still arrive for an answered request are dropped by the BodyReader.
    resume();
    this.send(r, p, result, started, pattern, headers);
  }

  private unexpected(e: unknown, method: string, pattern: string): DomainError {
    // The route pattern, never the path: paths carry webhook and interaction tokens.
    this.guard.report('http.handler', e, { route: pattern, method });
    return new DomainError('HttpInternalServerError');
  }

  private send(r: ResponseState, p: PendingRequest, result: unknown, started: number, route: string, headers: Record<string, string> = {}): void {
    if (!r.writable) return;
    let status = 200;
    let body: unknown = result;
    let extra: Record<string, string> = headers;
    if (result instanceof RateLimitedError) {
      status = result.status;
      body = { code: result.code, message: result.message, retry_after: result.retryAfterS, global: false };
      extra = { ...extra, 'retry-after': String(Math.ceil(result.retryAfterS)) };
    } else if (result instanceof DomainError) {
      status = result.status;
      body = { code: result.code, message: result.message, ...(result.errors ? { errors: result.errors } : {}) };
    } else if (result instanceof Reply) {
      status = result.status;
      body = result.body;
      extra = { ...extra, ...result.headers };
    } else if (result === undefined) status = 204;
    const text = status === 204 || status === 304 || body === undefined ? '' : body instanceof JsonText ? body.text : JSON.stringify(body, bigintReplacer);
    r.respond(STATUS_TEXT[status] ?? `${status}`, { ...(text ? { 'content-type': 'application/json' } : {}), ...CORS_HEADERS, ...extra }, text, p.method === 'HEAD');
    this.metrics.httpDuration.observe({ method: p.method, route, status: String(status) }, (performance.now() - started) / 1000);
  }
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type, x-audit-log-reason',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
};

function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('InvalidJson');
  }
  // JSON can carry U+0000 only as the escape \u0000; no text field has a use for it and PostgreSQL
  // text cannot store it, so a body holding one is refused here, once, for every store.
  if (text.includes('\\u0000')) {
    const at = pathOfNul(value);
    if (at !== null) {
      // Discord's nested error shape: {embeds: {0: {title: {_errors: [...]}}}}.
      let errors: FieldErrors = { _errors: [{ code: 'BASE_TYPE_BAD_CHARACTER', message: 'Must not contain the NUL character.' }] };
      for (const key of (at.length === 0 ? ['_'] : at).toReversed()) errors = { [key]: errors };
      throw DomainError.invalidForm(errors);
    }
  }
  return value;
}

/** The path to a string (or key) holding U+0000, or null; iterative, as a hostile body may nest deeply. */
function pathOfNul(root: unknown): string[] | null {
  const stack: [unknown, string[]][] = [[root, []]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, path] = item;
    if (typeof value === 'string') {
      if (value.includes('\0')) return path;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\0')) return [...path, key.replaceAll('\0', '')];
      stack.push([child, [...path, key]]);
    }
  }
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function hashBucket(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Parses a route body with a schema, throwing Discord's 50035 on failure. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const r = parseWith(schema, value);
  if (!r.ok) throw DomainError.invalidForm(r.errors);
  return r.value;
}

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  204: '204 No Content',
  304: '304 Not Modified',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
};
