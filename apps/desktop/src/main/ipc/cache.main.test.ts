import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { IpcErrorCode } from '../../shared/ipcResult.ts';
import { MessageCache } from '../../services/cache/MessageCache.ts';
import { makeTestMessage } from '../../services/cache/fixtures/makeTestMessage.ts';
import { SettingsStore } from '../../services/settings/SettingsStore.ts';
import { createCacheIpcHandlers } from './cache.main.ts';
import { IpcError } from './IpcError.main.ts';
import { appFileEvent, appUrlEvent, createTestPolicy, eventFrom, foreignOriginEvent } from './ipcTestEvents.ts';

const CHANNEL = '1200000000000000001';
const OTHER_CHANNEL = '1200000000000000002';

const apiMessage = (id: string, channelId = CHANNEL, content?: string) => makeTestMessage(id, channelId, content);

let dir: string;
let cache: MessageCache;
let settings: SettingsStore;
let handlers: ReturnType<typeof createCacheIpcHandlers>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-ipc-cache-'));
  cache = new MessageCache({ filePath: join(dir, 'messages.sqlite') });
  settings = new SettingsStore({ filePath: join(dir, 'settings.json') });
  handlers = createCacheIpcHandlers({ policy: createTestPolicy(), cache, settings });
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<IpcError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof IpcError)) throw new Error(`expected an IpcError, got ${String(error)}`);
  return error;
}

describe('cache IPC handlers', () => {
  it('stores a page and returns the newest messages oldest first to the app window', async () => {
    const page = ['1300000000000000003', '1300000000000000001', '1300000000000000002'].map((id) => apiMessage(id));
    await expect(handlers[IpcChannel.cachePutMessages](appFileEvent(), [CHANNEL, page])).resolves.toBeUndefined();
    const rows = await handlers[IpcChannel.cacheGetMessages](appUrlEvent(), [CHANNEL, 2]);
    expect(rows.map((m) => m.id)).toEqual(['1300000000000000002', '1300000000000000003']);
    expect(rows[1]).toEqual(page[0]);
    const older = await handlers[IpcChannel.cacheGetMessages](appFileEvent(), [CHANNEL, 10, { before: '1300000000000000002' }]);
    expect(older.map((m) => m.id)).toEqual(['1300000000000000001']);
  });

  it('deletes messages, reports stats and clears on logout', async () => {
    await handlers[IpcChannel.cachePutMessages](appFileEvent(), [CHANNEL, [apiMessage('1300000000000000001'), apiMessage('1300000000000000002')]]);
    await handlers[IpcChannel.cacheDeleteMessages](appFileEvent(), [CHANNEL, ['1300000000000000001']]);
    await expect(handlers[IpcChannel.cacheStats](appFileEvent(), [])).resolves.toMatchObject({ messageCount: 1, channelCount: 1 });
    await handlers[IpcChannel.cacheClear](appFileEvent(), []);
    await expect(handlers[IpcChannel.cacheStats](appFileEvent(), [])).resolves.toMatchObject({ messageCount: 0, sizeBytes: 0 });
  });

  it('applies a new size bound and persists it as the cacheMaxBytes setting', async () => {
    const stats = await handlers[IpcChannel.cacheSetMaxBytes](appFileEvent(), [64 * 1024 * 1024]);
    expect(stats.maxBytes).toBe(64 * 1024 * 1024);
    expect(new SettingsStore({ filePath: settings.filePath }).get().cacheMaxBytes).toBe(64 * 1024 * 1024);
  });

  describe('rejects senders that are not the app window with FORBIDDEN_SENDER and does not touch the cache', () => {
    it.each([
      ['a foreign origin', foreignOriginEvent()],
      ['a subframe', eventFrom('http://127.0.0.1:3000/', { subframe: true })],
      ['an unregistered webContents', eventFrom('http://127.0.0.1:3000/', { webContentsId: 99 })],
      ['a file outside the build', eventFrom('file:///home/user/Downloads/evil.html')],
    ])('%s', async (_what, event) => {
      const error = await rejection(handlers[IpcChannel.cachePutMessages](event, [CHANNEL, [apiMessage('1300000000000000001')]]));
      expect(error.code).toBe(IpcErrorCode.ForbiddenSender);
      expect((await rejection(handlers[IpcChannel.cacheClear](event, []))).code).toBe(IpcErrorCode.ForbiddenSender);
      expect(cache.stats().messageCount).toBe(0);
    });
  });

  describe('rejects malformed arguments with INVALID_ARGUMENTS', () => {
    const cases: [string, keyof typeof handlers, unknown][] = [
      ['arguments that are not a list', IpcChannel.cacheGetMessages, { 0: CHANNEL, 1: 50 }],
      // eslint-disable-next-line no-loss-of-precision -- a snowflake sent as a number has already lost its last digits
      ['a numeric channel id', IpcChannel.cacheGetMessages, [1200000000000000001, 50]],
      ['a channel name instead of an id', IpcChannel.cacheGetMessages, ['general', 50]],
      ['a channel id with leading zeros', IpcChannel.cacheGetMessages, ['01200000000000000001', 50]],
      ['a channel id beyond int64', IpcChannel.cacheGetMessages, ['9223372036854775808', 50]],
      ['a 1 MB channel id', IpcChannel.cacheGetMessages, ['1'.repeat(1_000_000), 50]],
      ['a limit of 0', IpcChannel.cacheGetMessages, [CHANNEL, 0]],
      ['a fractional limit', IpcChannel.cacheGetMessages, [CHANNEL, 2.5]],
      ['a limit as a string', IpcChannel.cacheGetMessages, [CHANNEL, '50']],
      ['a limit above the maximum', IpcChannel.cacheGetMessages, [CHANNEL, 1_000_000]],
      ['unknown options', IpcChannel.cacheGetMessages, [CHANNEL, 50, { before: '1', evil: true }]],
      ['an extra argument', IpcChannel.cacheStats, ['unexpected']],
      ['messages that are not an array', IpcChannel.cachePutMessages, [CHANNEL, 'not messages']],
      ['a message without an id', IpcChannel.cachePutMessages, [CHANNEL, [{ channel_id: CHANNEL, content: 'x' }]]],
      ['a message of another channel', IpcChannel.cachePutMessages, [CHANNEL, [apiMessage('1300000000000000001', OTHER_CHANNEL)]]],
      ['more than 1000 messages', IpcChannel.cachePutMessages, [CHANNEL, Array.from({ length: 1001 }, (_, i) => apiMessage(String(1300000000000000000n + BigInt(i))))]],
      ['a message with a 20 MB string', IpcChannel.cachePutMessages, [CHANNEL, [apiMessage('1300000000000000001', CHANNEL, 'x'.repeat(20_000_000))]]],
      ['a message holding a Map', IpcChannel.cachePutMessages, [CHANNEL, [{ ...apiMessage('1300000000000000001'), extra: new Map([[1, 2]]) }]]],
      ['a message holding NaN', IpcChannel.cachePutMessages, [CHANNEL, [{ ...apiMessage('1300000000000000001'), flags: Number.NaN }]]],
      // eslint-disable-next-line no-loss-of-precision -- a snowflake sent as a number has already lost its last digits
      ['delete ids that are numbers', IpcChannel.cacheDeleteMessages, [CHANNEL, [1300000000000000001]]],
      ['a size bound below 16 MiB', IpcChannel.cacheSetMaxBytes, [1024]],
      ['a size bound of Infinity', IpcChannel.cacheSetMaxBytes, [Number.POSITIVE_INFINITY]],
    ];
    it.each(cases)('%s', async (_what, channel, rawArgs) => {
      const handler = handlers[channel] as (event: unknown, args: unknown) => Promise<unknown>;
      const error = await rejection(handler(appFileEvent(), rawArgs));
      expect(error.code).toBe(IpcErrorCode.InvalidArguments);
      expect(error.message).toContain(channel);
      expect(cache.stats().messageCount).toBe(0);
    });

    it('names the offending message and field', async () => {
      const error = await rejection(
        handlers[IpcChannel.cachePutMessages](appFileEvent(), [CHANNEL, [apiMessage('1300000000000000001'), apiMessage('1300000000000000002', OTHER_CHANNEL)]]),
      );
      expect(error.issues).toContainEqual({ path: '1.1.channel_id', message: expect.stringContaining(CHANNEL) });
    });
  });

  describe('refuses prototype pollution attempts', () => {
    it.each([
      ['a top-level __proto__ key', '{"__proto__": {"polluted": true}}'],
      ['a nested __proto__ key', '{"embeds": [{"__proto__": {"polluted": true}}]}'],
      ['a constructor.prototype chain', '{"constructor": {"prototype": {"polluted": true}}}'],
    ])('%s', async (_what, extraJson) => {
      const message: unknown = { ...apiMessage('1300000000000000001'), ...(JSON.parse(extraJson) as object) };
      // The spread above copies own keys with define semantics; make sure the key is really own.
      const withOwnKey: unknown = JSON.parse(JSON.stringify(message).replace(/^\{/, `{${extraJson.slice(1, -1)},`));
      for (const candidate of [message, withOwnKey]) {
        const error = await rejection(handlers[IpcChannel.cachePutMessages](appFileEvent(), [CHANNEL, [candidate]]));
        expect(error.code).toBe(IpcErrorCode.InvalidArguments);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(cache.stats().messageCount).toBe(0);
    });

    it('refuses a cyclic structure instead of looping', async () => {
      const cyclic: Record<string, unknown> = { ...apiMessage('1300000000000000001') };
      cyclic.self = cyclic;
      const error = await rejection(handlers[IpcChannel.cachePutMessages](appFileEvent(), [CHANNEL, [cyclic]]));
      expect(error.code).toBe(IpcErrorCode.InvalidArguments);
    });
  });
});
