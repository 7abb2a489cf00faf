import { describe, expect, it, vi } from 'vitest';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { IpcErrorCode, bridgeErrorCode, formatBridgeErrorMessage } from '../../shared/ipcResult.ts';
import { createIpcHandlers } from './createIpcHandlers.main.ts';
import { IpcError } from './IpcError.main.ts';
import { appFileEvent, createTestPolicy, foreignOriginEvent } from './ipcTestEvents.ts';
import { runIpcHandler } from './runIpcHandler.main.ts';

const reporter = () => ({ refused: vi.fn(), failed: vi.fn() });

describe('runIpcHandler', () => {
  it('wraps a result as {ok: true, value}', async () => {
    const r = reporter();
    await expect(runIpcHandler('c', async () => 42, appFileEvent(), [], r)).resolves.toEqual({ ok: true, value: 42 });
    expect(r.refused).not.toHaveBeenCalled();
  });

  it('sends a refusal back with its code and issues and reports it', async () => {
    const r = reporter();
    const refusal = new IpcError(IpcErrorCode.InvalidArguments, 'c: invalid arguments', [{ path: '0', message: 'Expected string' }]);
    const result = await runIpcHandler('c', () => Promise.reject(refusal), appFileEvent(), [], r);
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENTS', message: 'c: invalid arguments', issues: [{ path: '0', message: 'Expected string' }] } });
    expect(r.refused).toHaveBeenCalledWith('c', refusal);
  });

  it('hides an unexpected error behind INTERNAL and reports it with the original error', async () => {
    const r = reporter();
    const bug = new Error('SQLITE_FULL: database or disk is full at /home/user/.config/Concord/cache');
    const result = await runIpcHandler('c', () => Promise.reject(bug), appFileEvent(), [], r);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.not.stringContaining('/home/user') } });
    expect(r.failed).toHaveBeenCalledWith('c', bug);
  });
});

describe('createIpcHandlers', () => {
  const handlers = createIpcHandlers({
    policy: createTestPolicy(),
    cache: { getMessages: vi.fn(() => []), putMessages: vi.fn(), deleteMessages: vi.fn(), stats: vi.fn(), setMaxBytes: vi.fn(), clear: vi.fn() },
    settings: { get: vi.fn(), update: vi.fn() },
    notifications: { show: vi.fn() },
    window: { isFocused: vi.fn(() => false), setBadgeCount: vi.fn() },
  });

  it('has exactly one handler per IPC channel', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.values(IpcChannel).sort());
  });

  it.each(Object.values(IpcChannel))('%s refuses a foreign sender before looking at its arguments', async (channel) => {
    const result = await runIpcHandler(channel, handlers[channel], foreignOriginEvent(), ['garbage'], reporter());
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
  });

  it('produces error messages the renderer can read the code back from', async () => {
    const result = await runIpcHandler(IpcChannel.cacheGetMessages, handlers[IpcChannel.cacheGetMessages], appFileEvent(), ['x', 1], reporter());
    if (result.ok) throw new Error('expected a refusal');
    const message = formatBridgeErrorMessage(result.error);
    expect(message).toMatch(/^\[INVALID_ARGUMENTS\] concord:cache:get-messages: invalid arguments: 0 /);
    expect(bridgeErrorCode(new Error(message))).toBe('INVALID_ARGUMENTS');
    expect(bridgeErrorCode(new Error('plain failure'))).toBeNull();
  });
});
