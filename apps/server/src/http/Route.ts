// What a REST route is: method, path, who may call it, its rate-limit bucket and its handler.
import type { MultipartField } from 'uWebSockets.js';
import type { UserRecord } from '../store/records.ts';
import type { RateLimitRule } from './RateLimiter.ts';
import type { Params } from './Router.ts';

export interface RequestContext {
  params: Params;
  query: URLSearchParams;
  /** Parsed JSON body ({} when empty), or the payload_json of a multipart body. */
  body: unknown;
  /** Multipart parts, when the request was multipart/form-data. */
  parts: MultipartField[] | null;
  user: UserRecord | null;
  authorization: string;
  auditLogReason: string | null;
  ip: string;
  /** Scheme + host the client used, for absolute URLs in answers. */
  origin: string;
  /** The If-None-Match header (conditional GET against an ETag), null when absent. */
  ifNoneMatch: string | null;
}

export interface AuthedContext extends RequestContext {
  user: UserRecord;
}

/** What is known before the body is read: checks here refuse a request (an upload) without buffering it. */
export interface PreBodyContext {
  params: Params;
  user: UserRecord | null;
  multipart: boolean;
  /** The Content-Length header (0 when absent). */
  contentLength: number;
}

export interface AuthedPreBodyContext extends PreBodyContext {
  user: UserRecord;
}

export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A body serialized once ahead of time (a large, unchanging list): sent as is, never re-stringified. */
export class JsonText {
  constructor(readonly text: string) {}
}

export const noContent = () => new Reply(204, undefined);
export const created = (body: unknown) => new Reply(201, body);
/** For routes that answer 204 once the work is done. */
export const done = async (work: Promise<unknown>): Promise<undefined> => {
  await work;
  return undefined;
};

/** What a handler returns: the JSON body, a Reply, or a promise of either (the server awaits it). */
export type RouteResult = unknown;

interface RouteBase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Rate-limit bucket name; defaults to method + path. */
  bucket?: string;
  rule?: RateLimitRule;
  /** Accepts multipart/form-data (file uploads). */
  multipart?: boolean;
}

export interface AuthedRoute extends RouteBase {
  auth: 'required';
  /** Runs after authentication and before the body is read; throws a DomainError to refuse. */
  beforeBody?: (ctx: AuthedPreBodyContext) => Promise<void> | void;
  /**
   * The largest file this caller may upload here (multipart routes), after beforeBody: the body may
   * be that plus 1 MiB of form overhead. Without it, the instance's MAX_UPLOAD_BYTES applies.
   */
  maxBodyBytes?: (ctx: AuthedPreBodyContext) => number;
  handler: (ctx: AuthedContext) => RouteResult;
}

export interface PublicRoute extends RouteBase {
  auth: 'none' | 'optional';
  beforeBody?: (ctx: PreBodyContext) => Promise<void> | void;
  maxBodyBytes?: (ctx: PreBodyContext) => number;
  handler: (ctx: RequestContext) => RouteResult;
}

export type RouteDef = AuthedRoute | PublicRoute;

export const DEFAULT_RULE: RateLimitRule = { limit: 50, windowMs: 1000 };
export const MESSAGE_SEND_RULE: RateLimitRule = { limit: 50, windowMs: 10_000 };
