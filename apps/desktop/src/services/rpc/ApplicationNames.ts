// Names games after their application on the Concord server (GET /applications/:id/rpc, public),
// cached per client id so that a game that reconnects or updates its activity costs no request.
// Unknown ids are cached too (null); a failed request is not, so the next link tries again. The
// server can change (the desktop learns it when someone signs in): the cache goes with the old one.
import { z } from 'zod';

const RpcApplicationSchema = z.object({ id: z.string(), name: z.string().min(1).max(128) });
const MAX_CACHED = 256;

export class ApplicationNames {
  private readonly cache = new Map<string, Promise<string | null>>();

  /** `serverUrl` null: no server known (yet), every name is null (and not cached). */
  constructor(
    private serverUrl: string | null,
    private readonly timeoutMs = 3000,
  ) {}

  get server(): string | null {
    return this.serverUrl;
  }

  /** Names come from this server from now on; what the previous one answered is forgotten. */
  setServerUrl(serverUrl: string | null): void {
    if (serverUrl === this.serverUrl) return;
    this.serverUrl = serverUrl;
    this.cache.clear();
  }

  lookup(clientId: string): Promise<string | null> {
    if (this.serverUrl === null) return Promise.resolve(null);
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    const pending = this.fetchName(this.serverUrl, clientId);
    this.cache.set(clientId, pending);
    pending.catch(() => {
      if (this.cache.get(clientId) === pending) this.cache.delete(clientId);
    });
    return pending;
  }

  private async fetchName(serverUrl: string, clientId: string): Promise<string | null> {
    const response = await fetch(`${serverUrl.replace(/\/$/, '')}/api/v9/applications/${encodeURIComponent(clientId)}/rpc`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`GET /applications/${clientId}/rpc answered ${response.status}`);
    const parsed = RpcApplicationSchema.safeParse(await response.json());
    return parsed.success && parsed.data.id === clientId ? parsed.data.name : null;
  }
}
