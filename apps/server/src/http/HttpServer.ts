// REST on uWebSockets.js: reads the request (headers synchronously, body with a size limit),
// authenticates, applies rate limits, runs the route and renders every error the same way,
// Discord-shaped: {code, message, errors?} with the right HTTP status.
import { ErrorCode, parseWith, z } from '@concord/protocol';
import type { Logger } from 'pino';
import uws, { type HttpRequest, type HttpResponse, type TemplatedApp } from 'uWebSockets.js';
import type { AuthService } from '../domain/AuthService.ts';
import type { Metrics } from '../metrics.ts';
import { ApiError } from './ApiError.ts';
import { RateLimiter } from './RateLimiter.ts';
import { DEFAULT_RULE, Reply, type RequestContext, type RouteDef } from './Route.ts';
import { Router } from './Router.ts';

const JSON_BODY_LIMIT = 1024 * 1024;
const API_PREFIX = /^\/api(?:\/v(\d+))?(\/.*)?$/;
const SUPPORTED_API_VERSIONS = new Set([9, 10]);
const decoder = new TextDecoder();

export interface HttpServerOptions {
  rateLimits: boolean;
  maxUploadBytes: number;
}

interface PendingRequest {
  method: string;
  url: string;
  query: string;
  authorization: string;
  contentType: string;
  contentLength: number;
  auditLogReason: string | null;
  host: string;
  ip: string;
  aborted: boolean;
  done: boolean;
}

export class HttpServer {
  private readonly router = new Router<RouteDef>();
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly auth: AuthService,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly options: HttpServerOptions,
  ) {}

  addRoutes(routes: readonly RouteDef[]): void {
    for (const r of routes) this.router.add(r.method, r.path, r);
  }

  attach(app: TemplatedApp): void {
    app.any('/api/*', (res, req) => this.onRequest(res, req));
    app.any('/api', (res, req) => this.onRequest(res, req));
  }

  private onRequest(res: HttpResponse, req: HttpRequest): void {
    // Everything from req must be read now: it is invalid after this function returns.
    const p: PendingRequest = {
      method: req.getCaseSensitiveMethod?.() ?? req.getMethod().toUpperCase(),
      url: req.getUrl(),
      query: req.getQuery() ?? '',
      authorization: req.getHeader('authorization'),
      contentType: req.getHeader('content-type'),
      contentLength: Number(req.getHeader('content-length') || '0'),
      auditLogReason: req.getHeader('x-audit-log-reason') || null,
      host: req.getHeader('host'),
      ip: '',
      aborted: false,
      done: false,
    };
    p.method = p.method.toUpperCase();
    res.onAborted(() => {
      p.aborted = true;
    });
    const started = performance.now();
    const m = API_PREFIX.exec(p.url);
    const version = m?.[1] ? Number(m[1]) : 9;
    const path = m?.[2] ?? '/';
    if (!SUPPORTED_API_VERSIONS.has(version)) {
      this.send(res, p, new ApiError(400, ErrorCode.InvalidApiVersion, 'Invalid API version'), started, 'unknown');
      return;
    }
    if (p.method === 'OPTIONS') {
      this.send(res, p, new Reply(204, undefined), started, 'options');
      return;
    }
    const found = this.router.lookup(p.method, path);
    if (found.kind !== 'found') {
      const err = found.kind === 'method_not_allowed' ? new ApiError(405, ErrorCode.General, '405: Method Not Allowed') : new ApiError(404, ErrorCode.General, '404: Not Found');
      this.send(res, p, err, started, 'unknown');
      return;
    }
    const route = found.match.handler;
    const isMultipart = p.contentType.toLowerCase().startsWith('multipart/form-data');
    if (isMultipart && !route.multipart) {
      this.send(res, p, new ApiError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', { _errors: [{ code: 'CONTENT_TYPE_INVALID', message: 'Expected "Content-Type" header to be one of {\'application/json\'}.' }] }), started, found.match.pattern);
      return;
    }
    const limit = isMultipart ? this.options.maxUploadBytes + 1024 * 1024 : JSON_BODY_LIMIT;
    if (p.contentLength > limit) {
      this.send(res, p, this.tooLarge(isMultipart), started, found.match.pattern);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    res.onData((chunk, isLast) => {
      if (p.done) return;
      received += chunk.byteLength;
      if (received > limit) {
        this.send(res, p, this.tooLarge(isMultipart), started, found.match.pattern);
        return;
      }
      // The chunk is only valid during this callback: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk).slice()));
      if (!isLast) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.run(res, p, route, found.match.params, path, body, isMultipart, started, found.match.pattern).catch((e: unknown) => {
        this.metrics.handlerErrors.inc({ where: 'http.run' });
        this.log.error({ err: e }, 'request failed outside the handler');
        this.send(res, p, new ApiError(500, ErrorCode.General, '500: Internal Server Error'), started, found.match.pattern);
      });
    });
  }

  private tooLarge(multipart: boolean): ApiError {
    return multipart
      ? new ApiError(413, ErrorCode.RequestEntityTooLarge, `Request entity too large: files may be at most ${Math.floor(this.options.maxUploadBytes / (1024 * 1024))} MB`)
      : new ApiError(413, ErrorCode.RequestEntityTooLarge, 'Request entity too large');
  }

  private async run(res: HttpResponse, p: PendingRequest, route: RouteDef, params: Record<string, string>, path: string, rawBody: Buffer, isMultipart: boolean, started: number, pattern: string): Promise<void> {
    let result: unknown;
    const headers: Record<string, string> = {};
    try {
      const user = p.authorization ? await this.auth.authenticate(p.authorization) : null;
      if (route.auth === 'required' && !user) throw ApiError.unauthorized();
      // The peer address is read only when it is needed: anonymous requests (rate limits, login throttling).
      if (!user && !p.ip && !p.aborted) p.ip = decoder.decode(res.getRemoteAddressAsText());
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
        let body: unknown = {};
        let parts = null;
        if (isMultipart) {
          parts = uws.getParts(rawBody, p.contentType) ?? null;
          if (!parts) throw ApiError.invalidForm({ _errors: [{ code: 'MULTIPART_INVALID', message: 'Malformed multipart body' }] });
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
        };
        result = await (route.handler as (c: RequestContext) => unknown)(ctx);
      }
    } catch (e) {
      result = e instanceof ApiError ? e : this.unexpected(e, path);
    }
    this.send(res, p, result, started, pattern, headers);
  }

  private unexpected(e: unknown, path: string): ApiError {
    this.metrics.handlerErrors.inc({ where: 'http.handler' });
    this.log.error({ err: e, path }, 'unexpected error in route handler');
    return new ApiError(500, ErrorCode.General, '500: Internal Server Error');
  }

  private send(res: HttpResponse, p: PendingRequest, result: unknown, started: number, route: string, headers: Record<string, string> = {}): void {
    if (p.done || p.aborted) {
      p.done = true;
      return;
    }
    p.done = true;
    let status = 200;
    let body: unknown = result;
    let extra: Record<string, string> = headers;
    if (result instanceof ApiError) {
      status = result.status;
      body = { code: result.code, message: result.message, ...(result.errors ? { errors: result.errors } : {}) };
      const retry = (result as ApiError & { retryAfterS?: number }).retryAfterS;
      if (retry !== undefined) {
        body = { ...(body as object), retry_after: retry, global: false };
        extra = { ...extra, 'retry-after': String(Math.ceil(retry)) };
      }
    } else if (result instanceof Reply) {
      status = result.status;
      body = result.body;
      extra = { ...extra, ...result.headers };
    } else if (result === undefined) status = 204;
    const text = status === 204 || body === undefined ? '' : JSON.stringify(body, bigintReplacer);
    res.cork(() => {
      res.writeStatus(STATUS_TEXT[status] ?? `${status}`);
      if (text) res.writeHeader('content-type', 'application/json');
      res.writeHeader('access-control-allow-origin', '*');
      res.writeHeader('access-control-allow-headers', 'authorization, content-type, x-audit-log-reason');
      res.writeHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      for (const [k, v] of Object.entries(extra)) res.writeHeader(k, v);
      res.end(text);
    });
    this.metrics.httpDuration.observe({ method: p.method, route, status: String(status) }, (performance.now() - started) / 1000);
  }
}

function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
  }
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
  if (!r.ok) throw ApiError.invalidForm(r.errors);
  return r.value;
}

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  204: '204 No Content',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
};
