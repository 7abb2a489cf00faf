// The names of every IPC channel between the preload bridge and the main process. One constant per
// bridge capability; the preload and `registerIpc.main.ts` both read this table, so a typo cannot
// leave a method talking to nobody.

export const IpcChannel = {
  cacheGetMessages: 'concord:cache:get-messages',
  cachePutMessages: 'concord:cache:put-messages',
  cacheDeleteMessages: 'concord:cache:delete-messages',
  cacheStats: 'concord:cache:stats',
  cacheSetMaxBytes: 'concord:cache:set-max-bytes',
  cacheClear: 'concord:cache:clear',
  settingsGet: 'concord:settings:get',
  settingsSet: 'concord:settings:set',
  notificationsShow: 'concord:notifications:show',
  windowIsFocused: 'concord:window:is-focused',
  windowSetBadgeCount: 'concord:window:set-badge-count',
  voiceStart: 'concord:voice:start',
  voiceStop: 'concord:voice:stop',
  voiceSetSelfFlags: 'concord:voice:set-self-flags',
  voiceSetUserAudio: 'concord:voice:set-user-audio',
  voiceSetPushToTalk: 'concord:voice:set-push-to-talk',
  voiceStats: 'concord:voice:stats',
  hotkeysStatus: 'concord:hotkeys:status',
  overlayPublishSpeaking: 'concord:overlay:publish-speaking',
  overlaySetInteractive: 'concord:overlay:set-interactive',
  gamesRunningPrograms: 'concord:games:running-programs',
  gamesDetected: 'concord:games:detected',
  activitySetSession: 'concord:activity:set-session',
  screenCaptureListSources: 'concord:screen-capture:list-sources',
} as const;

/**
 * Not an invoke channel: the preload posts one end of a fresh MessageChannel on it
 * (ipcRenderer.postMessage with a transfer list); main takes `event.ports[0]` for the voice pipeline.
 */
export const VOICE_PORT_CHANNEL = 'concord:voice:port';

export type IpcChannelName = (typeof IpcChannel)[keyof typeof IpcChannel];

export const ALL_IPC_CHANNELS: readonly IpcChannelName[] = Object.values(IpcChannel);
