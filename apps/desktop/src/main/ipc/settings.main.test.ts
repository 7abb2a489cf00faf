import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { IpcErrorCode } from '../../shared/ipcResult.ts';
import { SettingsStore } from '../../services/settings/SettingsStore.ts';
import { IpcError } from './IpcError.main.ts';
import { appFileEvent, createTestPolicy, foreignOriginEvent } from './ipcTestEvents.ts';
import { createSettingsIpcHandlers } from './settings.main.ts';

let dir: string;
let settings: SettingsStore;
const cache = { setMaxBytes: vi.fn() };
const onChanged = vi.fn();
let handlers: ReturnType<typeof createSettingsIpcHandlers>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-ipc-settings-'));
  settings = new SettingsStore({ filePath: join(dir, 'settings.json') });
  cache.setMaxBytes.mockReset();
  onChanged.mockReset();
  handlers = createSettingsIpcHandlers({ policy: createTestPolicy(), settings, cache, onChanged });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof IpcError ? error.code : `not an IpcError: ${String(error)}`),
  );

describe('settings IPC handlers', () => {
  it('returns the defaults, applies a patch, persists it and tells the cache about a new bound', async () => {
    await expect(handlers[IpcChannel.settingsGet](appFileEvent(), [])).resolves.toEqual(DEFAULT_SETTINGS);
    const next = await handlers[IpcChannel.settingsSet](appFileEvent(), [{ theme: 'light', cacheMaxBytes: 100 * 1024 * 1024 }]);
    expect(next).toEqual({ ...DEFAULT_SETTINGS, theme: 'light', cacheMaxBytes: 100 * 1024 * 1024 });
    expect(cache.setMaxBytes).toHaveBeenCalledWith(100 * 1024 * 1024);
    expect(onChanged).toHaveBeenCalledWith(next);
    expect(new SettingsStore({ filePath: settings.filePath }).get()).toEqual(next);
  });

  it('does not touch the cache when the bound is unchanged', async () => {
    await handlers[IpcChannel.settingsSet](appFileEvent(), [{ compactMode: true }]);
    expect(cache.setMaxBytes).not.toHaveBeenCalled();
  });

  it('rejects a foreign sender with FORBIDDEN_SENDER and changes nothing', async () => {
    await expect(codeOf(handlers[IpcChannel.settingsSet](foreignOriginEvent(), [{ theme: 'light' }]))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    await expect(codeOf(handlers[IpcChannel.settingsGet](foreignOriginEvent(), []))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    expect(settings.get().theme).toBe('dark');
  });

  it.each([
    ['no patch', []],
    ['a patch that is an array', [[{ theme: 'light' }]]],
    ['a null patch', [null]],
    ['an unknown theme', [{ theme: 'neon' }]],
    ['an unknown setting', [{ telemetry: true }]],
    ['a partial nested section', [{ notifications: { mentions: false } }]],
    ['a volume as a string', [{ voice: { ...DEFAULT_SETTINGS.voice, inputVolume: '100' } }]],
    ['a 1 MB keybind', [{ keybinds: { ...DEFAULT_SETTINGS.keybinds, pushToTalk: 'K'.repeat(1_000_000) } }]],
    ['a cache bound of -1', [{ cacheMaxBytes: -1 }]],
    ['a top-level __proto__ key', [JSON.parse('{"__proto__": {"polluted": true}}')]],
    ['a nested __proto__ key', [JSON.parse('{"notifications": {"mentions": true, "directMessages": true, "sound": true, "__proto__": {"polluted": true}}}')]],
    ['a constructor key', [JSON.parse('{"constructor": {"prototype": {"polluted": true}}}')]],
  ])('rejects %s with INVALID_ARGUMENTS', async (_what, rawArgs) => {
    await expect(codeOf(handlers[IpcChannel.settingsSet](appFileEvent(), rawArgs))).resolves.toBe(IpcErrorCode.InvalidArguments);
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(onChanged).not.toHaveBeenCalled();
  });
});
