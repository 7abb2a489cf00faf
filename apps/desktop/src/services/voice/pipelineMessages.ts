// What travels over the pipeline's message port. Renderer -> main: 20 ms microphone frames (48 kHz
// mono, Float32 from an AudioWorklet or Int16). Main -> renderer: 20 ms mixed frames to play, speaking
// changes, the input level for the meter, connection state and stats. Inbound data is hostile until
// `parseInboundMessage` accepted it (a hand-written check: this is the 50-per-second hot path).
import type { NativeVoiceStats } from '../../shared/voiceBridge.ts';

/** Samples in one 20 ms frame at 48 kHz mono: what both directions carry. */
export const PIPELINE_FRAME_SAMPLES = 960;

export type InboundMessage = { readonly type: 'pcm'; readonly pcm: Int16Array };

/** The same figures `concord.voice.stats()` returns. */
export type PipelineStats = NativeVoiceStats;

export type PipelineState =
  | { readonly status: 'connecting' }
  | { readonly status: 'connected' }
  | { readonly status: 'lost'; readonly code: number; readonly reason: string; readonly final: boolean };

export type OutboundMessage =
  /** Mixed playback, 960 Int16 samples (the renderer's player worklet owns it). */
  | { readonly type: 'pcm'; readonly pcm: Int16Array }
  /** `self` is this user's own gate (the ring around the own avatar). */
  | { readonly type: 'speaking'; readonly userId: string; readonly speaking: boolean; readonly self: boolean }
  | { readonly type: 'inputLevel'; readonly db: number }
  | { readonly type: 'state'; readonly state: PipelineState }
  | { readonly type: 'stats'; readonly stats: PipelineStats };

/** Parses one message from the renderer, or null (the caller counts the drop). */
export function parseInboundMessage(data: unknown): InboundMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const type: unknown = Reflect.get(data, 'type');
  if (type !== 'pcm') return null;
  const pcm: unknown = Reflect.get(data, 'pcm');
  if (pcm instanceof Int16Array) return pcm.length === PIPELINE_FRAME_SAMPLES ? { type, pcm } : null;
  if (pcm instanceof Float32Array) return pcm.length === PIPELINE_FRAME_SAMPLES ? { type, pcm: floatToInt16(pcm) } : null;
  return null;
}

/** Web Audio's Float32 samples (-1..1; NaN and overshoot clamped) as Int16. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    const clamped = Number.isNaN(s) ? 0 : Math.max(-1, Math.min(1, s));
    out[i] = Math.round(clamped * 32767);
  }
  return out;
}
