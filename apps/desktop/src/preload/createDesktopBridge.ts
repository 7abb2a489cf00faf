// Builds the DesktopBridge the renderer sees as `window.concord` from one `invoke` function. In
// Electron, invoke is ipcRenderer.invoke (bridge.preload.ts); in the Chromium e2e tests it is a
// Playwright binding backed by the same IPC handlers. One typed method per capability, each on its
// own IPC channel; the renderer never gets a generic "send anything" function.
import type { APIMessage } from '@concord/protocol';
import { ACTIVITY_PUSH_CHANNEL, createActivityBridge, type ActivitySession } from '../shared/activityBridge.ts';
import type { CacheStats, ClientSettings, DesktopBridge } from '../shared/bridge.ts';
import { createGamesBridge } from '../shared/gamesBridge.ts';
import { createScreenCaptureBridge } from '../shared/screenCaptureBridge.ts';
import { IpcChannel, type IpcChannelName } from '../shared/ipcChannels.ts';
import { HOTKEY_EVENT_CHANNEL, OVERLAY_STATE_CHANNEL, type DesktopHotkeysBridge, type DesktopOverlayBridge, type HotkeyEvent, type HotkeysStatus, type OverlayState } from '../shared/hotkeysBridge.ts';
import { formatBridgeErrorMessage, IpcErrorCode, type IpcErrorPayload } from '../shared/ipcResult.ts';
import { NO_NATIVE_VOICE, type DesktopVoiceBridge, type NativeVoiceStats, type NativeVoiceTarget } from '../shared/voiceBridge.ts';

export type IpcInvoke = (channel: IpcChannelName, args: readonly unknown[]) => Promise<unknown>;

export interface DesktopBridgeInfo {
  platform: string;
  version: string;
  /**
   * Hands a fresh voice frame port to main and the other end to the page (Electron's preload does
   * this with ipcRenderer.postMessage); without it the bridge reports `voice.native: false`.
   */
  openVoicePort?: () => void;
  /**
   * Listens on a main -> renderer push channel (ipcRenderer.on in Electron); returns the removal.
   * Without it the bridge has no `hotkeys` / `overlay` / `activity` (their events cannot arrive).
   */
  subscribe?: (channel: typeof HOTKEY_EVENT_CHANNEL | typeof OVERLAY_STATE_CHANNEL | typeof ACTIVITY_PUSH_CHANNEL, listener: (payload: unknown) => void) => () => void;
}

export class BridgeError extends Error {
  override readonly name = 'ConcordBridgeError';
  constructor(readonly payload: IpcErrorPayload) {
    super(formatBridgeErrorMessage(payload));
  }
}

export function createDesktopBridge(invoke: IpcInvoke, info: DesktopBridgeInfo): DesktopBridge {
  // The values are typed by the channel: the main process is the trusted side of this boundary and
  // its handlers return exactly these types, so only the envelope is checked here.
  const call = async <T>(channel: IpcChannelName, args: readonly unknown[]): Promise<T> => unwrap<T>(channel, await invoke(channel, args));
  const bridge: DesktopBridge = {
    kind: 'desktop',
    platform: info.platform,
    version: info.version,
    cache: Object.freeze({
      getMessages: (channelId: string, limit: number, options?: { before?: string }) =>
        call<APIMessage[]>(IpcChannel.cacheGetMessages, options === undefined ? [channelId, limit] : [channelId, limit, options]),
      putMessages: (channelId: string, messages: APIMessage[]) => call<void>(IpcChannel.cachePutMessages, [channelId, messages]),
      deleteMessages: (channelId: string, messageIds: string[]) => call<void>(IpcChannel.cacheDeleteMessages, [channelId, messageIds]),
      stats: () => call<CacheStats>(IpcChannel.cacheStats, []),
      setMaxBytes: (maxBytes: number) => call<CacheStats>(IpcChannel.cacheSetMaxBytes, [maxBytes]),
      clear: () => call<void>(IpcChannel.cacheClear, []),
    }),
    settings: Object.freeze({
      get: () => call<ClientSettings>(IpcChannel.settingsGet, []),
      set: (patch: Partial<ClientSettings>) => call<ClientSettings>(IpcChannel.settingsSet, [patch]),
    }),
    notifications: Object.freeze({
      show: (notification: { title: string; body: string; channelId: string }) => call<void>(IpcChannel.notificationsShow, [notification]),
    }),
    window: Object.freeze({
      isFocused: () => call<boolean>(IpcChannel.windowIsFocused, []),
      setBadgeCount: (count: number) => call<void>(IpcChannel.windowSetBadgeCount, [count]),
    }),
    voice: nativeVoice(call, info.openVoicePort),
    games: createGamesBridge(call),
    screenCapture: createScreenCaptureBridge(call),
    ...(info.subscribe === undefined ? {} : gameFeatures(call, info.subscribe)),
    ...(info.subscribe === undefined ? {} : { activity: createActivityBridge(info.subscribe, (session: ActivitySession | null) => call<void>(IpcChannel.activitySetSession, [session])) }),
  };
  return Object.freeze(bridge);
}

function gameFeatures(
  call: <T>(channel: IpcChannelName, args: readonly unknown[]) => Promise<T>,
  subscribe: NonNullable<DesktopBridgeInfo['subscribe']>,
): { hotkeys: DesktopHotkeysBridge; overlay: DesktopOverlayBridge } {
  // The payloads come from the main process of the same build (trusted side): typed by the channel.
  const hotkeys: DesktopHotkeysBridge = Object.freeze({
    onAction: (callback: (event: HotkeyEvent) => void) => subscribe(HOTKEY_EVENT_CHANNEL, (payload) => callback(payload as HotkeyEvent)),
    status: () => call<HotkeysStatus>(IpcChannel.hotkeysStatus, []),
  });
  const overlay: DesktopOverlayBridge = Object.freeze({
    onState: (callback: (state: OverlayState) => void) => subscribe(OVERLAY_STATE_CHANNEL, (payload) => callback(payload as OverlayState)),
    publishSpeaking: (userIds: string[]) => call<void>(IpcChannel.overlayPublishSpeaking, [userIds]),
    setInteractive: (interactive: boolean) => call<void>(IpcChannel.overlaySetInteractive, [interactive]),
  });
  return { hotkeys, overlay };
}

function nativeVoice(call: <T>(channel: IpcChannelName, args: readonly unknown[]) => Promise<T>, openVoicePort: (() => void) | undefined): DesktopVoiceBridge {
  if (openVoicePort === undefined) return NO_NATIVE_VOICE;
  return Object.freeze({
    native: true as const,
    openPort: async () => openVoicePort(),
    start: (target: NativeVoiceTarget, flags: { selfMute: boolean; selfDeaf: boolean }) => call<boolean>(IpcChannel.voiceStart, [target, flags]),
    stop: () => call<void>(IpcChannel.voiceStop, []),
    setSelfFlags: (selfMute: boolean, selfDeaf: boolean) => call<void>(IpcChannel.voiceSetSelfFlags, [selfMute, selfDeaf]),
    setUserAudio: (userId: string, volumePercent: number, localMute: boolean) => call<void>(IpcChannel.voiceSetUserAudio, [userId, volumePercent, localMute]),
    setPushToTalk: (down: boolean) => call<void>(IpcChannel.voiceSetPushToTalk, [down]),
    stats: () => call<NativeVoiceStats | null>(IpcChannel.voiceStats, []),
  });
}

// T is the channel's result type from shared/bridge.ts: the preload checks the {ok, value} envelope
// and trusts the value, which the main process (same build) produced with that type.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see above
function unwrap<T>(channel: IpcChannelName, result: unknown): T {
  if (typeof result !== 'object' || result === null || !('ok' in result)) {
    throw new BridgeError({ code: IpcErrorCode.Internal, message: `${channel}: malformed reply from the main process` });
  }
  if (result.ok === true && 'value' in result) return result.value as T;
  if (result.ok === false && 'error' in result && isErrorPayload(result.error)) throw new BridgeError(result.error);
  throw new BridgeError({ code: IpcErrorCode.Internal, message: `${channel}: malformed reply from the main process` });
}

function isErrorPayload(value: unknown): value is IpcErrorPayload {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value && typeof value.message === 'string' && typeof value.code === 'string';
}
