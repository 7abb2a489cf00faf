// The DesktopBridge for a plain browser: an in-memory message cache (bounded by the cache size
// setting, oldest channel pages evicted first), settings in localStorage and the Notification API.
// The cache lives as long as the tab; the desktop build replaces all of this with native services.
import type { APIMessage } from '@concord/protocol';
import { compareSnowflakes } from '@concord/protocol';
import { DEFAULT_SETTINGS, type CacheStats, type ClientSettings, type DesktopBridge } from '../../shared/bridge.ts';
import { ClientSettingsPatchSchema, ClientSettingsSchema } from '../../shared/clientSettingsSchema.ts';
import { settingsFromStored } from '../../shared/settingsFromStored.ts';

const SETTINGS_KEY = 'concord.settings';
/**
 * A tab keeps only the newest messages of each channel (first paint needs 50; older history comes
 * from the server) and at most 16 MB in all, whatever the disk-cache setting says: the setting
 * (500 MB by default) is meant for the desktop app's SQLite file, not for a tab's JS heap.
 */
const MESSAGES_PER_CHANNEL = 200;
const MAX_MEMORY_BYTES = 16 * 1024 * 1024;

interface CachedMessage {
  message: APIMessage;
  sizeBytes: number;
  /** Insertion order across all channels: the eviction order. */
  seq: number;
}

export class MemoryMessageCache {
  private readonly channels = new Map<string, Map<string, CachedMessage>>();
  private totalBytes = 0;
  private seq = 0;

  constructor(private maxBytes: number) {}

  getMessages(channelId: string, limit: number): APIMessage[] {
    const channel = this.channels.get(channelId);
    if (!channel) return [];
    const sorted = [...channel.values()].map((c) => c.message).sort((a, b) => compareSnowflakes(a.id, b.id));
    return sorted.slice(Math.max(0, sorted.length - limit));
  }

  putMessages(channelId: string, messages: readonly APIMessage[]): void {
    let channel = this.channels.get(channelId);
    if (!channel) this.channels.set(channelId, (channel = new Map<string, CachedMessage>()));
    for (const message of messages) {
      const sizeBytes = JSON.stringify(message).length * 2;
      const previous = channel.get(message.id);
      if (previous) this.totalBytes -= previous.sizeBytes;
      channel.set(message.id, { message, sizeBytes, seq: this.seq++ });
      this.totalBytes += sizeBytes;
    }
    // Trim in steps (sorting on every live message would be wasteful).
    if (channel.size > MESSAGES_PER_CHANNEL * 1.25) {
      const newestFirst = [...channel.keys()].sort((a, b) => compareSnowflakes(b, a));
      for (const id of newestFirst.slice(MESSAGES_PER_CHANNEL)) {
        this.totalBytes -= channel.get(id)!.sizeBytes;
        channel.delete(id);
      }
    }
    this.evict();
  }

  deleteMessages(channelId: string, ids: readonly string[]): void {
    const channel = this.channels.get(channelId);
    if (!channel) return;
    for (const id of ids) {
      const entry = channel.get(id);
      if (!entry) continue;
      this.totalBytes -= entry.sizeBytes;
      channel.delete(id);
    }
  }

  setMaxBytes(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.evict();
  }

  stats(): CacheStats {
    let messageCount = 0;
    for (const channel of this.channels.values()) messageCount += channel.size;
    return { sizeBytes: this.totalBytes, maxBytes: this.maxBytes, messageCount, channelCount: this.channels.size };
  }

  clear(): void {
    this.channels.clear();
    this.totalBytes = 0;
  }

  private evict(): void {
    const bound = Math.min(this.maxBytes, MAX_MEMORY_BYTES);
    if (this.totalBytes <= bound) return;
    const all: { channelId: string; entry: CachedMessage }[] = [];
    for (const [channelId, channel] of this.channels) for (const entry of channel.values()) all.push({ channelId, entry });
    all.sort((a, b) => compareSnowflakes(a.entry.message.id, b.entry.message.id));
    for (const { channelId, entry } of all) {
      if (this.totalBytes <= bound) break;
      this.channels.get(channelId)?.delete(entry.message.id);
      this.totalBytes -= entry.sizeBytes;
    }
  }
}

function readSettings(): ClientSettings {
  try {
    const raw = localStorage.getItem(SETTINGS_KEY);
    if (!raw) return structuredClone(DEFAULT_SETTINGS);
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return structuredClone(DEFAULT_SETTINGS);
    // The same schema and section-by-section recovery as the desktop's settings file.
    return settingsFromStored(parsed, (key, reason) => console.warn(`setting "${key}" in localStorage is invalid (${reason}); using the default`));
  } catch (err) {
    console.warn('settings in localStorage are unreadable; using defaults', err);
    return structuredClone(DEFAULT_SETTINGS);
  }
}

export function createWebBridge(): DesktopBridge {
  let settings = readSettings();
  const cache = new MemoryMessageCache(settings.cacheMaxBytes);
  return {
    kind: 'web',
    // IDENTIFY's os property; navigator.userAgentData (its successor) is Chromium-only and not in the DOM types.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- no replacement every browser has
    platform: typeof navigator !== 'undefined' ? navigator.platform : 'web',
    version: '0.1.0',
    cache: {
      getMessages: async (channelId, limit) => cache.getMessages(channelId, limit),
      putMessages: async (channelId, messages) => cache.putMessages(channelId, messages),
      deleteMessages: async (channelId, ids) => cache.deleteMessages(channelId, ids),
      stats: async () => cache.stats(),
      setMaxBytes: async (maxBytes) => {
        cache.setMaxBytes(maxBytes);
        return cache.stats();
      },
      clear: async () => cache.clear(),
    },
    settings: {
      get: async () => structuredClone(settings),
      set: async (patch) => {
        // Validated as the desktop's settings.set IPC call validates it: an invalid patch throws.
        settings = ClientSettingsSchema.parse({ ...settings, ...ClientSettingsPatchSchema.parse(patch) });
        localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
        if (patch.cacheMaxBytes !== undefined) cache.setMaxBytes(settings.cacheMaxBytes);
        return structuredClone(settings);
      },
    },
    notifications: {
      show: async ({ title, body, channelId }) => {
        if (typeof Notification === 'undefined') return;
        if (Notification.permission === 'default') await Notification.requestPermission();
        if (Notification.permission !== 'granted') return;
        const n = new Notification(title, { body, tag: channelId });
        n.onclick = () => {
          window.focus();
          window.dispatchEvent(new CustomEvent('concord:open-channel', { detail: channelId }));
        };
      },
    },
    window: {
      isFocused: async () => document.hasFocus(),
      setBadgeCount: async (count) => {
        const base = 'Concord';
        document.title = count > 0 ? `(${count}) ${base}` : base;
      },
    },
  };
}
