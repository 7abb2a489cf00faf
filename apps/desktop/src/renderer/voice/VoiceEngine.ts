// The port between the voice store and whatever carries the audio: the browser's WebRTC engine
// today (WebRtcVoiceEngine.dom.ts), the desktop's native pipeline later. The controller
// (voiceController.ts) drives it from the store and feeds its events back.
import type { VoiceVideoLimits } from '@concord/protocol';
import type { ClientSettings } from '../../shared/bridge.ts';
import type { StreamViewersFrame, VideoRefusedFrame, VideoSinkFrame, VideoSourcesFrame, VideoSourceType } from '../video/videoDecoders.ts';

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
  /** Video (engines that carry it): op 4's limits, a member's sources (op 12), a receive slot's stream (op 40, with its track's stream), a refusal (op 41). */
  videoLimits?(limits: VoiceVideoLimits): void;
  videoSources?(frame: VideoSourcesFrame): void;
  videoSink?(frame: VideoSinkFrame, stream: MediaStream | null): void;
  videoRefused?(frame: VideoRefusedFrame): void;
  streamViewers?(frame: StreamViewersFrame): void;
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
  /** Camera (`video`) or Go Live (`screen`) on with this track, or off with null (engines with video only). */
  setVideoSource?(type: VideoSourceType, track: MediaStreamTrack | null): void;
  /** Op 15: which streams to receive (stream SSRC -> quality 0..100). */
  setVideoWants?(wants: Record<string, number>): void;
  /** Our own source's resolution and frame rate (applyConstraints and the sender's encoding), within op 4's limit. */
  setVideoQuality?(type: VideoSourceType, quality: { height: number; frameRate: number }): void;
  /** Op 15's max heights: the tallest simulcast layer wanted per stream (stream SSRC -> pixels, 0: no cap). */
  setVideoMaxHeights?(heights: Record<string, number>): void;
  close(): void;
}

export type VoiceEngineFactory = (options: VoiceEngineOptions, events: VoiceEngineEvents) => VoiceEngine;
