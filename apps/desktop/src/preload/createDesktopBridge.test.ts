// The bridge wired to the real IPC handlers and real services, with only Electron's transport
// replaced by a direct call: what a renderer call does end to end in the main process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type DesktopBridge } from '../shared/bridge.ts';
import { IpcChannel } from '../shared/ipcChannels.ts';
import { bridgeErrorCode } from '../shared/ipcResult.ts';
import { createIpcHandlers } from '../main/ipc/createIpcHandlers.main.ts';
import type { IpcSenderEvent } from '../main/ipc/IpcSenderPolicy.main.ts';
import { appFileEvent, createTestPolicy, foreignOriginEvent } from '../main/ipc/ipcTestEvents.ts';
import { runIpcHandler } from '../main/ipc/runIpcHandler.main.ts';
import { makeTestMessage } from '../services/cache/fixtures/makeTestMessage.ts';
import { MessageCache } from '../services/cache/MessageCache.ts';
import { SettingsStore } from '../services/settings/SettingsStore.ts';
import { BridgeError, createDesktopBridge } from './createDesktopBridge.ts';

const CHANNEL = '1200000000000000001';
const message = (id: string) => makeTestMessage(id, CHANNEL, `hi ${id}`);

let dir: string;
let cache: MessageCache;
const notifications = { show: vi.fn() };

function bridgeFor(event: IpcSenderEvent): DesktopBridge {
  const reporter = { refused: vi.fn(), failed: vi.fn() };
  const handlers = createIpcHandlers({
    policy: createTestPolicy(),
    cache,
    settings: new SettingsStore({ filePath: join(dir, 'settings.json') }),
    notifications,
    window: { isFocused: () => false, setBadgeCount: vi.fn() },
  });
  // Electron's structured clone drops functions and prototypes; JSON does the same for this data.
  return createDesktopBridge(
    (channel, args) => runIpcHandler(channel, handlers[channel], event, structuredClone(args), reporter),
    { platform: 'linux', version: '1.2.3' },
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-bridge-'));
  cache = new MessageCache({ filePath: join(dir, 'messages.sqlite') });
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createDesktopBridge over the real handlers', () => {
  it('exposes exactly the DesktopBridge capabilities, frozen', () => {
    const bridge = bridgeFor(appFileEvent());
    expect(bridge).toMatchObject({ kind: 'desktop', platform: 'linux', version: '1.2.3' });
    expect(Object.keys(bridge.cache).sort()).toEqual(['clear', 'deleteMessages', 'getMessages', 'putMessages', 'setMaxBytes', 'stats']);
    expect(Object.isFrozen(bridge) && Object.isFrozen(bridge.cache)).toBe(true);
    // One distinct channel per bridge method (voice.openPort posts a port; hotkeys.onAction and overlay.onState are pushes).
    expect(new Set(Object.values(IpcChannel)).size).toBe(Object.values(IpcChannel).length);
    expect('hotkeys' in bridge).toBe(false); // no push transport given: no hotkeys/overlay sections
  });

  it('delivers hotkey actions and overlay state pushed by main, and unsubscribes', async () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const bridge = createDesktopBridge(async () => ({ ok: true, value: { status: 'stopped' } }), {
      platform: 'linux',
      version: '0',
      subscribe: (channel, listener) => {
        listeners.set(channel, listener);
        return () => listeners.delete(channel);
      },
    });
    const heard: unknown[] = [];
    const off = bridge.hotkeys!.onAction((event) => heard.push(event));
    bridge.overlay!.onState((state) => heard.push(state));
    listeners.get('concord:hotkeys:action')?.({ action: 'toggleMute', phase: 'down' });
    listeners.get('concord:overlay:state')?.({ interactive: true, game: null, speaking: [] });
    off();
    expect(listeners.has('concord:hotkeys:action')).toBe(false);
    expect(heard).toEqual([{ action: 'toggleMute', phase: 'down' }, { interactive: true, game: null, speaking: [] }]);
    await expect(bridge.hotkeys!.status()).resolves.toEqual({ status: 'stopped' });
  });

  it('round-trips messages, settings and notifications from the app window', async () => {
    const bridge = bridgeFor(appFileEvent());
    await bridge.cache.putMessages(CHANNEL, [message('1300000000000000002'), message('1300000000000000001')]);
    expect((await bridge.cache.getMessages(CHANNEL, 50)).map((m) => m.id)).toEqual(['1300000000000000001', '1300000000000000002']);
    expect((await bridge.cache.getMessages(CHANNEL, 50, { before: '1300000000000000002' })).map((m) => m.id)).toEqual(['1300000000000000001']);
    await expect(bridge.cache.stats()).resolves.toMatchObject({ messageCount: 2, channelCount: 1 });
    await expect(bridge.settings.set({ theme: 'light' })).resolves.toEqual({ ...DEFAULT_SETTINGS, theme: 'light' });
    await bridge.notifications.show({ title: 'ada', body: 'hi', channelId: CHANNEL });
    expect(notifications.show).toHaveBeenCalledOnce();
    await bridge.cache.clear();
    await expect(bridge.cache.stats()).resolves.toMatchObject({ messageCount: 0 });
  });

  it('rejects with an error whose message carries the code for a malformed call', async () => {
    const bridge = bridgeFor(appFileEvent());
    const error = await bridge.cache.getMessages('general', 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(bridgeErrorCode(error)).toBe('INVALID_ARGUMENTS');
    // What contextBridge keeps of an Error is its message; the code survives in it.
    expect(bridgeErrorCode(new Error((error as Error).message))).toBe('INVALID_ARGUMENTS');
  });

  it('rejects every call from a foreign page with FORBIDDEN_SENDER', async () => {
    const bridge = bridgeFor(foreignOriginEvent());
    for (const attempt of [bridge.cache.getMessages(CHANNEL, 1), bridge.cache.clear(), bridge.settings.get(), bridge.window.isFocused()]) {
      expect(bridgeErrorCode(await attempt.catch((e: unknown) => e))).toBe('FORBIDDEN_SENDER');
    }
  });

  it('turns a malformed reply from the transport into INTERNAL instead of returning garbage', async () => {
    const bridge = createDesktopBridge(async () => 'not an envelope', { platform: 'linux', version: '0' });
    expect(bridgeErrorCode(await bridge.cache.stats().catch((e: unknown) => e))).toBe('INTERNAL');
  });
});
