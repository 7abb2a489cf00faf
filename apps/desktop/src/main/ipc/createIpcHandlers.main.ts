// All IPC handlers of the app, one per channel in IpcChannel. The `satisfies` below fails to
// compile when a channel is added without a handler.
import type { IpcChannelName } from '../../shared/ipcChannels.ts';
import { createActivityIpcHandlers, NO_ACTIVITY_SESSION, type ActivitySessionPort } from './activitySession.main.ts';
import { createCacheIpcHandlers, type CacheIpcDeps } from './cache.main.ts';
import type { IpcHandler } from './defineIpcHandler.main.ts';
import { createGamesIpcHandlers, NO_GAMES, type GamesPort } from './games.main.ts';
import { createHotkeysIpcHandlers, type HotkeysPort } from './hotkeys.main.ts';
import { createNotificationIpcHandlers, type NotificationPort } from './notifications.main.ts';
import { createScreenCaptureIpcHandlers, NO_SCREEN_CAPTURE, type ScreenCapturePort } from './screenCapture.main.ts';
import { createSettingsIpcHandlers, type SettingsIpcDeps } from './settings.main.ts';
import { createVoiceIpcHandlers, type VoicePipelinePort } from './voice.main.ts';
import { createWindowIpcHandlers, type WindowPort } from './window.main.ts';

export interface IpcDeps {
  policy: CacheIpcDeps['policy'];
  cache: CacheIpcDeps['cache'] & SettingsIpcDeps['cache'];
  settings: CacheIpcDeps['settings'] & SettingsIpcDeps['settings'];
  notifications: NotificationPort;
  window: WindowPort;
  onSettingsChanged?: SettingsIpcDeps['onChanged'];
  /** The native voice pipeline; without it the voice channels answer as "no pipeline" (start: false). */
  voice?: VoicePipelinePort;
  /** Global hotkeys and the overlay; without them the status reads "stopped" and the relay goes nowhere. */
  hotkeys?: HotkeysPort;
  /** Game detection for the Registered Games page; without it nothing runs and nothing is detected. */
  games?: GamesPort;
  /** Who is signed in, for games' RPC READY and the server's application names; without it the call is dropped. */
  activity?: ActivitySessionPort;
  /** Screens and windows for Go Live (Electron's desktopCapturer); without it the picker is empty. */
  screenCapture?: ScreenCapturePort;
}

const NO_HOTKEYS: HotkeysPort = { status: () => ({ status: 'stopped' }), publishSpeaking: () => undefined, setOverlayInteractive: () => undefined };

const NO_VOICE_PIPELINE: VoicePipelinePort = {
  start: () => false,
  stop: () => undefined,
  setSelfFlags: () => undefined,
  setUserAudio: () => undefined,
  setPushToTalk: () => undefined,
  stats: () => null,
};

export type IpcHandlerTable = Record<IpcChannelName, IpcHandler>;

export function createIpcHandlers(deps: IpcDeps): IpcHandlerTable {
  const { policy, cache, settings } = deps;
  return {
    ...createCacheIpcHandlers({ policy, cache, settings }),
    ...createSettingsIpcHandlers(deps.onSettingsChanged === undefined ? { policy, settings, cache } : { policy, settings, cache, onChanged: deps.onSettingsChanged }),
    ...createNotificationIpcHandlers({ policy, notifications: deps.notifications }),
    ...createWindowIpcHandlers({ policy, window: deps.window }),
    ...createVoiceIpcHandlers({ policy, voice: deps.voice ?? NO_VOICE_PIPELINE }),
    ...createHotkeysIpcHandlers({ policy, hotkeys: deps.hotkeys ?? NO_HOTKEYS }),
    ...createGamesIpcHandlers({ policy, games: deps.games ?? NO_GAMES }),
    ...createActivityIpcHandlers({ policy, activity: deps.activity ?? NO_ACTIVITY_SESSION }),
    ...createScreenCaptureIpcHandlers({ policy, screenCapture: deps.screenCapture ?? NO_SCREEN_CAPTURE }),
  } satisfies IpcHandlerTable;
}
