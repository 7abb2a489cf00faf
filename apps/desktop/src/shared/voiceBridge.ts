// The native voice part of the DesktopBridge. The desktop app runs voice in its main process
// (services/voice): the renderer captures and plays through AudioWorklets and exchanges 20 ms
// frames with main over a MessagePort. `native: false` (or no `voice` at all, as in the web build)
// tells the renderer to use its WebRTC engine instead.

export interface NativeVoiceTarget {
  /** `host:port` from VOICE_SERVER_UPDATE. */
  endpoint: string;
  token: string;
  sessionId: string;
  serverId: string;
  userId: string;
}

export interface NativeVoiceStats {
  /** Voice gateway heartbeat round trip; -1 before the first ACK. */
  readonly pingMs: number;
  readonly packetsSent: number;
  /** Port messages from the renderer dropped as malformed. */
  readonly inputDropped: number;
  /** Mixed frames posted back for playback. */
  readonly framesPosted: number;
  readonly users: readonly { readonly userId: string; readonly packetsReceived: number; readonly packetsLost: number; readonly concealedFrames: number; readonly jitterMs: number }[];
}

export interface NativeVoiceBridge {
  readonly native: true;
  /**
   * Makes a fresh frame port to the main process. A MessagePort cannot cross contextBridge, so the
   * renderer's end arrives as a window message `{ type: VOICE_PORT_WINDOW_MESSAGE }` with the port
   * in `event.ports[0]` (capture frames go in; mixed frames, speaking, levels, state, stats come out).
   */
  openPort(): Promise<void>;
  /** Connects the pipeline on the port opened last; false when no port was opened. */
  start(target: NativeVoiceTarget, flags: { selfMute: boolean; selfDeaf: boolean }): Promise<boolean>;
  stop(): Promise<void>;
  setSelfFlags(selfMute: boolean, selfDeaf: boolean): Promise<void>;
  setUserAudio(userId: string, volumePercent: number, localMute: boolean): Promise<void>;
  /** Push-to-talk key state; the global key hook (next issue) will call the same entry in main. */
  setPushToTalk(down: boolean): Promise<void>;
  stats(): Promise<NativeVoiceStats | null>;
}

export const VOICE_PORT_WINDOW_MESSAGE = 'concord:voice-port';

export type DesktopVoiceBridge = { readonly native: false } | NativeVoiceBridge;

/** What `bridge.voice` reads as in the web build. */
export const NO_NATIVE_VOICE: DesktopVoiceBridge = Object.freeze({ native: false });
