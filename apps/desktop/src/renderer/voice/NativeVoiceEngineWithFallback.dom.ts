// The engine the desktop renderer runs when the bridge offers the native pipeline: NativeVoiceEngine
// first; if it reports `unavailable` (no port, start refused, the pipeline silent) this swaps in the
// fallback engine (WebRTC) with the same settings, flags, per-user audio and push-to-talk state and
// dials the same target, so the user still gets into the channel. The failure is remembered for the
// page's life: later joins go straight to the fallback instead of waiting for the same timeout.
import type { NativeVoiceBridge } from '../../shared/voiceBridge.ts';
import type { ClientSettings } from '../../shared/bridge.ts';
import { NativeVoiceEngine, type NativeVoiceTimeouts } from './NativeVoiceEngine.dom.ts';
import type { VoiceEngine, VoiceEngineEvents, VoiceEngineFactory, VoiceEngineOptions, VoiceEngineTarget } from './VoiceEngine.ts';

let unavailableReason: string | null = null;

/** Why the native pipeline failed to start in this page (null: it has not failed). */
export function nativeVoiceUnavailableReason(): string | null {
  return unavailableReason;
}

export class NativeVoiceEngineWithFallback implements VoiceEngine {
  private engine: VoiceEngine;
  private settings: ClientSettings;
  private selfMute: boolean;
  private selfDeaf: boolean;
  private serverMute = false;
  private pttDown = false;
  private readonly userAudio = new Map<string, { volume: number; localMute: boolean }>();
  private target: VoiceEngineTarget | null = null;
  private closed = false;

  constructor(bridge: NativeVoiceBridge, options: VoiceEngineOptions, private readonly events: VoiceEngineEvents, private readonly fallback: VoiceEngineFactory, timeouts?: NativeVoiceTimeouts) {
    this.settings = options.settings;
    this.selfMute = options.selfMute;
    this.selfDeaf = options.selfDeaf;
    this.engine = new NativeVoiceEngine(bridge, options, { ...events, unavailable: (reason) => this.fallBack(reason) }, timeouts);
  }

  /** The engine carrying the audio now (the debug hooks read its stats). */
  get current(): VoiceEngine {
    return this.engine;
  }

  connect(target: VoiceEngineTarget): void {
    this.target = target;
    this.engine.connect(target);
  }

  setSettings(settings: ClientSettings): void {
    this.settings = settings;
    this.engine.setSettings(settings);
  }

  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void {
    this.selfMute = selfMute;
    this.selfDeaf = selfDeaf;
    this.engine.setSelfFlags(selfMute, selfDeaf);
  }

  setServerMute(mute: boolean): void {
    this.serverMute = mute;
    this.engine.setServerMute?.(mute);
  }

  setUserAudio(userId: string, volume: number, localMute: boolean): void {
    this.userAudio.set(userId, { volume, localMute });
    this.engine.setUserAudio(userId, volume, localMute);
  }

  pushToTalk(down: boolean): void {
    this.pttDown = down;
    this.engine.pushToTalk(down);
  }

  close(): void {
    this.closed = true;
    this.engine.close();
  }

  private fallBack(reason: string): void {
    if (this.closed || !(this.engine instanceof NativeVoiceEngine)) return;
    console.warn(`native voice pipeline unavailable (${reason}); using WebRTC`);
    unavailableReason = reason;
    this.engine.close();
    const next = this.fallback({ settings: this.settings, selfMute: this.selfMute, selfDeaf: this.selfDeaf }, this.events);
    this.engine = next;
    next.setServerMute?.(this.serverMute);
    for (const [userId, audio] of this.userAudio) next.setUserAudio(userId, audio.volume, audio.localMute);
    if (this.pttDown) next.pushToTalk(true);
    if (this.target) next.connect(this.target);
  }
}
