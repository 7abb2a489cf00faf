import { describe, expect, it, vi } from 'vitest';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { IpcErrorCode } from '../../shared/ipcResult.ts';
import { IpcError } from './IpcError.main.ts';
import { appFileEvent, createTestPolicy, eventFrom, foreignOriginEvent } from './ipcTestEvents.ts';
import { createNotificationIpcHandlers } from './notifications.main.ts';
import { createWindowIpcHandlers } from './window.main.ts';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof IpcError ? error.code : `not an IpcError: ${String(error)}`),
  );

describe('notification IPC handler', () => {
  const notifications = { show: vi.fn() };
  const handlers = createNotificationIpcHandlers({ policy: createTestPolicy(), notifications });
  const show = handlers[IpcChannel.notificationsShow];
  const valid = { title: 'ada in #general', body: '@you look at this', channelId: '1200000000000000001' };

  it('shows a notification for the app window', async () => {
    await expect(show(appFileEvent(), [valid])).resolves.toBeUndefined();
    expect(notifications.show).toHaveBeenCalledWith(valid);
  });

  it('rejects a foreign page or a subframe with FORBIDDEN_SENDER', async () => {
    notifications.show.mockClear();
    await expect(codeOf(show(foreignOriginEvent(), [valid]))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    await expect(codeOf(show(eventFrom('http://127.0.0.1:3000/', { subframe: true }), [valid]))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    expect(notifications.show).not.toHaveBeenCalled();
  });

  it.each([
    ['an empty title', { ...valid, title: '' }],
    ['a 10,000 character title', { ...valid, title: 't'.repeat(10_000) }],
    ['a 1 MB body', { ...valid, body: 'b'.repeat(1_000_000) }],
    ['a body that is not a string', { ...valid, body: { toString: 'x' } }],
    ['a missing channel id', { title: 'x', body: 'y' }],
    ['an extra field (icon path)', { ...valid, icon: '/etc/passwd' }],
    ['a __proto__ key', JSON.parse(`{"title":"x","body":"y","channelId":"1200000000000000001","__proto__":{"polluted":true}}`)],
  ])('rejects %s with INVALID_ARGUMENTS', async (_what, notification) => {
    notifications.show.mockClear();
    await expect(codeOf(show(appFileEvent(), [notification]))).resolves.toBe(IpcErrorCode.InvalidArguments);
    expect(notifications.show).not.toHaveBeenCalled();
  });
});

describe('window IPC handlers', () => {
  const window = { isFocused: vi.fn(() => true), setBadgeCount: vi.fn() };
  const handlers = createWindowIpcHandlers({ policy: createTestPolicy(), window });

  it('reports focus and sets the badge count for the app window', async () => {
    await expect(handlers[IpcChannel.windowIsFocused](appFileEvent(), [])).resolves.toBe(true);
    await handlers[IpcChannel.windowSetBadgeCount](appFileEvent(), [3]);
    expect(window.setBadgeCount).toHaveBeenCalledWith(3);
  });

  it('rejects a foreign page with FORBIDDEN_SENDER', async () => {
    await expect(codeOf(handlers[IpcChannel.windowIsFocused](foreignOriginEvent(), []))).resolves.toBe(IpcErrorCode.ForbiddenSender);
  });

  it.each([[-1], [1.5], ['3'], [1e9], [Number.NaN]])('rejects the badge count %s with INVALID_ARGUMENTS', async (count) => {
    window.setBadgeCount.mockClear();
    await expect(codeOf(handlers[IpcChannel.windowSetBadgeCount](appFileEvent(), [count]))).resolves.toBe(IpcErrorCode.InvalidArguments);
    expect(window.setBadgeCount).not.toHaveBeenCalled();
  });
});
