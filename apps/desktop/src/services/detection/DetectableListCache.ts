// The server's detectable list (`GET /api/v9/applications/detectable`), cached on disk so detection
// works offline and across restarts: `load()` reads the cached copy, `refresh()` revalidates it with
// If-None-Match (a 304 costs no body) and rewrites the file atomically when the list changed. The
// file and the response are both parsed with the protocol's schema; a bad one is reported and the
// last good list kept. The server may be learnt later (the desktop app loading its own files knows
// it once someone signs in): setServerUrl switches, and until then refresh() has nothing to ask.
import { DetectableApplicationListSchema, type APIDetectableApplication } from '@concord/protocol';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const CachedListSchema = z.object({ etag: z.string().max(256).nullable(), applications: DetectableApplicationListSchema });

export type RefreshOutcome = 'updated' | 'not-modified' | 'failed' | 'no-server';

export interface DetectableListCacheOptions {
  /** The server's origin (`https://chat.example.com`); null until known (the cached copy is used). */
  serverUrl: string | null;
  /** Where the list is kept (e.g. `<userData>/detectable.json`). */
  cacheFile: string;
  fetch?: typeof fetch;
  warn?: (message: string) => void;
  /** A refresh gives up after this long (the list is large; a slow link should not stall detection). */
  timeoutMs?: number;
}

export class DetectableListCache {
  private etag: string | null = null;
  private applications: readonly APIDetectableApplication[] = [];
  private readonly warn: (message: string) => void;
  private serverUrl: string | null;

  constructor(private readonly options: DetectableListCacheOptions) {
    this.warn = options.warn ?? ((message) => console.warn(`[detection] ${message}`));
    this.serverUrl = options.serverUrl;
  }

  get server(): string | null {
    return this.serverUrl;
  }

  /**
   * Asks this server from now on. Returns whether it changed; the list stays until the new server
   * answers, but the ETag goes (it named the old server's copy).
   */
  setServerUrl(serverUrl: string | null): boolean {
    if (serverUrl === this.serverUrl) return false;
    this.serverUrl = serverUrl;
    this.etag = null;
    return true;
  }

  get list(): readonly APIDetectableApplication[] {
    return this.applications;
  }

  /** Reads the copy on disk (none yet: an empty list). */
  load(): readonly APIDetectableApplication[] {
    let text: string;
    try {
      text = readFileSync(this.options.cacheFile, 'utf8');
    } catch {
      return this.applications; // no cached copy yet
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const parsed = CachedListSchema.safeParse(raw);
    if (!parsed.success) {
      this.warn(`ignoring the unreadable detectable list cache ${this.options.cacheFile}`);
      return this.applications;
    }
    this.etag = parsed.data.etag;
    this.applications = parsed.data.applications;
    return this.applications;
  }

  /** Asks the server for the list, sending the cached ETag; keeps the cached list on any failure. */
  async refresh(): Promise<RefreshOutcome> {
    if (this.serverUrl === null) return 'no-server';
    const doFetch = this.options.fetch ?? fetch;
    const url = new URL('/api/v9/applications/detectable', this.serverUrl);
    try {
      const res = await doFetch(url, {
        headers: this.etag !== null && this.applications.length > 0 ? { 'if-none-match': this.etag } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      if (res.status === 304) return 'not-modified';
      if (res.status !== 200) {
        this.warn(`detectable list: ${url.href} answered ${res.status}`);
        return 'failed';
      }
      const parsed = DetectableApplicationListSchema.safeParse(await res.json());
      if (!parsed.success) {
        this.warn(`detectable list: ${url.href} sent a malformed list (${parsed.error.issues.length} issues)`);
        return 'failed';
      }
      this.etag = res.headers.get('etag');
      this.applications = parsed.data;
      this.writeCache();
      return 'updated';
    } catch (error) {
      this.warn(`detectable list: ${url.href} unreachable (${String(error)}); using the cached list`);
      return 'failed';
    }
  }

  private writeCache(): void {
    const file = this.options.cacheFile;
    try {
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ etag: this.etag, applications: this.applications }));
      renameSync(temp, file);
    } catch (error) {
      this.warn(`detectable list: could not write ${file} (${String(error)})`);
    }
  }
}
