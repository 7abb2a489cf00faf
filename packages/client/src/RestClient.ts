// REST client over fetch: Discord-shaped errors become RestError, and rate limits are honoured
// from the X-RateLimit-* headers (per bucket) and 429 bodies before a request is sent again.
import type { APIErrorBody, FieldErrors } from '@concord/protocol';

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors: FieldErrors | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} -> ${status} ${code}: ${message}`);
    this.name = 'RestError';
  }
}

export interface RestClientOptions {
  /** e.g. http://127.0.0.1:8080/api/v9 */
  baseUrl: string;
  token?: string | null;
  /** 'Bot' for bot tokens; user tokens go bare, as Discord's clients send them. */
  tokenType?: 'Bot' | 'Bearer' | null;
  fetch?: typeof fetch;
  /** Retries after a 429 before giving up. */
  maxRateLimitRetries?: number;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as multipart/form-data instead of JSON. */
  form?: FormData;
  reason?: string;
  signal?: AbortSignal;
}

interface BucketState {
  remaining: number;
  resetAtMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RestClient {
  private token: string | null;
  private readonly tokenType: 'Bot' | 'Bearer' | null;
  private readonly fetchImpl: typeof fetch;
  private readonly maxRetries: number;
  /** Route key -> bucket id learnt from X-RateLimit-Bucket; bucket id -> state. */
  private readonly routeBuckets = new Map<string, string>();
  private readonly buckets = new Map<string, BucketState>();
  private globalResetAtMs = 0;

  constructor(private readonly options: RestClientOptions) {
    this.token = options.token ?? null;
    this.tokenType = options.tokenType ?? null;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.maxRetries = options.maxRateLimitRetries ?? 3;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /** Major parameters (channel/guild/webhook id) keep their value; other ids collapse, like Discord's buckets. */
  private routeKey(method: string, path: string): string {
    const key = path.replace(/\/(\d{15,20})/g, (_m, id: string, offset: number) => {
      const before = path.slice(0, offset);
      return /\/(channels|guilds|webhooks)$/.test(before) ? `/${id}` : '/:id';
    });
    return `${method} ${key}`;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const routeKey = this.routeKey(method, path);
    for (let attempt = 0; ; attempt++) {
      await this.waitForBucket(routeKey);
      const url = new URL(this.options.baseUrl.replace(/\/$/, '') + path);
      for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const headers: Record<string, string> = { ...options.headers };
      if (this.token) headers['authorization'] = this.tokenType ? `${this.tokenType} ${this.token}` : this.token;
      if (options.reason) headers['x-audit-log-reason'] = encodeURIComponent(options.reason);
      let body: string | FormData | undefined;
      if (options.form) body = options.form;
      else if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = body;
      if (options.signal) init.signal = options.signal;
      const res = await this.fetchImpl(url, init);
      this.learnRateLimit(routeKey, res);
      if (res.status === 429 && attempt < this.maxRetries) {
        const data = (await res.json().catch(() => ({}))) as { retry_after?: number; global?: boolean };
        const waitMs = Math.ceil((data.retry_after ?? 1) * 1000);
        if (data.global) this.globalResetAtMs = Date.now() + waitMs;
        await sleep(waitMs);
        continue;
      }
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      let data: unknown = undefined;
      if (text.length > 0) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      if (!res.ok) {
        const err = (typeof data === 'object' && data !== null ? data : {}) as Partial<APIErrorBody>;
        throw new RestError(res.status, err.code ?? 0, err.message ?? res.statusText, err.errors, method, path);
      }
      return data as T;
    }
  }

  private learnRateLimit(routeKey: string, res: Response): void {
    const bucket = res.headers.get('x-ratelimit-bucket');
    const remaining = res.headers.get('x-ratelimit-remaining');
    const resetAfter = res.headers.get('x-ratelimit-reset-after');
    if (!bucket || remaining === null || resetAfter === null) return;
    this.routeBuckets.set(routeKey, bucket);
    this.buckets.set(bucket, { remaining: Number(remaining), resetAtMs: Date.now() + Number(resetAfter) * 1000 });
  }

  private async waitForBucket(routeKey: string): Promise<void> {
    const now = Date.now();
    if (this.globalResetAtMs > now) await sleep(this.globalResetAtMs - now);
    const bucketId = this.routeBuckets.get(routeKey);
    const state = bucketId ? this.buckets.get(bucketId) : undefined;
    if (state && state.remaining <= 0 && state.resetAtMs > Date.now()) {
      await sleep(state.resetAtMs - Date.now());
    }
    if (state && state.remaining > 0) state.remaining--;
  }
}
