// The port between the voice store and whatever carries the audio: the browser's WebRTC engine
// today (WebRtcVoiceEngine.dom.ts), the desktop's native pipeline later. The controller
// (voiceController.ts) drives it from the store and feeds its events back.
import type { ClientSettings } from '../../shared/bridge.ts';

export interface VoiceEngineTarget {
  /** `host:port` from VOICE_SERVER_UPDATE. */
  endpoint: string;
  token: string;
  /** The main gateway's session id. */
  sessionId: string;
  /** Guild id. */
  serverId: string;
  userId: string;
}

export interface VoiceEngineEvents {
  /** Voice gateway READY and media up: the panel says "Voice Connected". */
  connected(): void;
  /** The connection is gone; `final` when the server said not to come back (4014, 4004, 4006). */
  lost(code: number, reason: string, final: boolean): void;
  ping(pingMs: number): void;
  speaking(userId: string, speaking: boolean): void;
  /** The microphone level in dBFS after input volume (for the meter and the ring). */
  inputLevel(db: number): void;
}

export interface VoiceEngineOptions {
  settings: ClientSettings;
  selfMute: boolean;
  selfDeaf: boolean;
}

export interface VoiceEngine {
  connect(target: VoiceEngineTarget): void;
  /** Settings changed (devices, volumes, processing, gate). */
  setSettings(settings: ClientSettings): void;
  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void;
  /** A moderator's server mute on our own voice state: send nothing while it holds (optional). */
  setServerMute?(mute: boolean): void;
  /** Per-user volume (0-200 %) and local mute. */
  setUserAudio(userId: string, volume: number, localMute: boolean): void;
  /** Push-to-talk key state (the controller listens to the keyboard). */
  pushToTalk(down: boolean): void;
  close(): void;
}

export type VoiceEngineFactory = (options: VoiceEngineOptions, events: VoiceEngineEvents) => VoiceEngine;
