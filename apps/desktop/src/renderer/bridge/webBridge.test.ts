// The browser's in-memory cache stays small however busy a channel is (the tab's heap must not
// grow with chat history) and still answers the newest messages in order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { makeMessage } from '../testing/makeMessage.ts';
import { MemoryMessageCache, createWebBridge } from './webBridge.ts';

describe('MemoryMessageCache', () => {
  it('keeps a bounded number of messages per channel, newest kept, oldest first in answers', () => {
    const cache = new MemoryMessageCache(500 * 1024 * 1024);
    const base = 1_300_000_000_000_000_000n;
    for (let i = 0; i < 2000; i++) cache.putMessages('c1', [makeMessage({ id: String(base + BigInt(i) * 4_194_304n), channel_id: 'c1', content: `m${i}` })]);
    const stats = cache.stats();
    expect(stats.messageCount).toBeLessThanOrEqual(250);
    expect(cache.getMessages('c1', 3).map((m) => m.content)).toEqual(['m1997', 'm1998', 'm1999']);
  });

  it('holds at most 16 MB whatever the disk-cache setting', () => {
    const cache = new MemoryMessageCache(500 * 1024 * 1024);
    const big = 'x'.repeat(50_000);
    for (let c = 0; c < 400; c++) cache.putMessages(`c${c}`, [makeMessage({ id: String(1_300_000_000_000_000_000n + BigInt(c)), channel_id: `c${c}`, content: big })]);
    expect(cache.stats().sizeBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

describe('web bridge settings (the shared ClientSettingsSchema, as the desktop validates them)', () => {
  const SETTINGS_KEY = 'concord.settings';
  let stored: Map<string, string>;
  beforeEach(() => {
    stored = new Map();
    // Node has no localStorage: a Map-backed stand-in with the Storage methods the bridge calls.
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => void stored.set(key, value),
      removeItem: (key: string) => void stored.delete(key),
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('keeps the valid sections of stored settings and resets an invalid one to its default', async () => {
    stored.set(SETTINGS_KEY, JSON.stringify({ theme: 'light', cacheMaxBytes: 5, notifications: { mentions: false, directMessages: true, sound: false }, removedInAnOlderBuild: 1 }));
    const settings = await createWebBridge().settings.get();
    expect(settings.theme).toBe('light');
    expect(settings.notifications).toEqual({ mentions: false, directMessages: true, sound: false });
    expect(settings.cacheMaxBytes).toBe(DEFAULT_SETTINGS.cacheMaxBytes); // below the 16 MB minimum
    expect(settings.keybinds).toEqual(DEFAULT_SETTINGS.keybinds);
  });

  it('rejects a patch the schema refuses and keeps what was stored', async () => {
    const bridge = createWebBridge();
    await bridge.settings.set({ compactMode: true });
    const before = stored.get(SETTINGS_KEY);
    await expect(bridge.settings.set(JSON.parse('{"theme":"purple"}'))).rejects.toThrow();
    await expect(bridge.settings.set(JSON.parse('{"voice":{"inputDeviceId":null,"outputDeviceId":null,"inputVolume":100,"outputVolume":100,"extra":1}}'))).rejects.toThrow();
    expect(stored.get(SETTINGS_KEY)).toBe(before);
    expect((await bridge.settings.get()).compactMode).toBe(true);
  });
});
