import { describe, expect, it, vi } from 'vitest';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { IpcErrorCode } from '../../shared/ipcResult.ts';
import { createDesktopBridge } from '../../preload/createDesktopBridge.ts';
import { IpcError } from './IpcError.main.ts';
import { appFileEvent, createTestPolicy, foreignOriginEvent } from './ipcTestEvents.ts';
import { createVoiceIpcHandlers, type VoicePipelinePort } from './voice.main.ts';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof IpcError ? error.code : `not an IpcError: ${String(error)}`),
  );

function fakeHost() {
  return {
    start: vi.fn(() => true),
    stop: vi.fn(),
    setSelfFlags: vi.fn(),
    setUserAudio: vi.fn(),
    setPushToTalk: vi.fn(),
    stats: vi.fn(() => null),
  } satisfies VoicePipelinePort;
}

const target = { endpoint: 'voice.example.com:8443', token: 'abc', sessionId: 'f00', serverId: '1200000000000000001', userId: '1200000000000000002' };
const flags = { selfMute: false, selfDeaf: false };

describe('voice IPC handlers', () => {
  it('starts the pipeline with a parsed target and passes the live controls', async () => {
    const host = fakeHost();
    const h = createVoiceIpcHandlers({ policy: createTestPolicy(), voice: host });
    await expect(h[IpcChannel.voiceStart](appFileEvent(), [target, flags])).resolves.toBe(true);
    expect(host.start).toHaveBeenCalledWith(target, flags);
    await h[IpcChannel.voiceSetPushToTalk](appFileEvent(), [true]);
    await h[IpcChannel.voiceSetUserAudio](appFileEvent(), ['1200000000000000003', 0, false]);
    await h[IpcChannel.voiceSetSelfFlags](appFileEvent(), [true, false]);
    await h[IpcChannel.voiceStop](appFileEvent(), []);
    expect(host.setPushToTalk).toHaveBeenCalledWith(true);
    expect(host.setUserAudio).toHaveBeenCalledWith('1200000000000000003', 0, false);
    expect(host.setSelfFlags).toHaveBeenCalledWith(true, false);
    expect(host.stop).toHaveBeenCalledOnce();
  });

  it('refuses a foreign page with FORBIDDEN_SENDER', async () => {
    const host = fakeHost();
    const h = createVoiceIpcHandlers({ policy: createTestPolicy(), voice: host });
    await expect(codeOf(h[IpcChannel.voiceSetPushToTalk](foreignOriginEvent(), [true]))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    expect(host.setPushToTalk).not.toHaveBeenCalled();
  });

  it.each([
    ['an endpoint with a path', [{ ...target, endpoint: 'evil.example:443/x' }, flags]],
    ['an endpoint without a port', [{ ...target, endpoint: 'voice.example.com' }, flags]],
    ['a non-snowflake user id', [{ ...target, userId: '../../x' }, flags]],
    ['an extra target field', [{ ...target, ca: '-----BEGIN' }, flags]],
    ['a 10 KB token', [{ ...target, token: 't'.repeat(10_000) }, flags]],
    ['missing flags', [target]],
  ])('refuses voice.start with %s (INVALID_ARGUMENTS)', async (_what, args) => {
    const host = fakeHost();
    const h = createVoiceIpcHandlers({ policy: createTestPolicy(), voice: host });
    await expect(codeOf(h[IpcChannel.voiceStart](appFileEvent(), args))).resolves.toBe(IpcErrorCode.InvalidArguments);
    expect(host.start).not.toHaveBeenCalled();
  });

  it.each([
    ['a volume over 200 %', ['1200000000000000003', 201, false]],
    ['a fractional volume', ['1200000000000000003', 50.5, false]],
    ['a mute that is not a boolean', ['1200000000000000003', 100, 'yes']],
  ])('refuses voice.setUserAudio with %s', async (_what, args) => {
    const host = fakeHost();
    const h = createVoiceIpcHandlers({ policy: createTestPolicy(), voice: host });
    await expect(codeOf(h[IpcChannel.voiceSetUserAudio](appFileEvent(), args))).resolves.toBe(IpcErrorCode.InvalidArguments);
    expect(host.setUserAudio).not.toHaveBeenCalled();
  });
});

describe('the bridge capability flag', () => {
  it('is native only when the preload can open a voice port (the web build and test bridges fall back to WebRTC)', () => {
    const invoke = async () => ({ ok: true, value: null });
    expect(createDesktopBridge(invoke, { platform: 'linux', version: '0' }).voice?.native).toBe(false);
    const openVoicePort = vi.fn();
    const bridge = createDesktopBridge(invoke, { platform: 'linux', version: '0', openVoicePort });
    expect(bridge.voice?.native).toBe(true);
    if (bridge.voice?.native !== true) throw new Error('unreachable');
    return bridge.voice.openPort().then(() => expect(openVoicePort).toHaveBeenCalledOnce());
  });
});
