// What the native voice worklet forwards to the page: the pipeline's own messages (speaking, input
// level, connection state, stats: services/voice/pipelineMessages.ts OutboundMessage minus the
// mixed frames, which stay in the worklet) and the worklet's replies to a stats request. They come
// from another process, so each is decoded here once; anything else is null (the caller counts it).
import { isNum, isObj, isStr } from '../session/decoders.ts';
import type { PlaybackStats } from './nativeVoiceBuffers.ts';

export type NativePipelineState =
  | { status: 'connecting' }
  | { status: 'connected' }
  | { status: 'lost'; code: number; reason: string; final: boolean };

export interface NativeWorkletStats extends PlaybackStats {
  /** Capture frames posted to the pipeline. */
  framesSent: number;
  /** Malformed frames from the pipeline. */
  dropped: number;
}

export type NativeVoiceMessage =
  | { type: 'speaking'; userId: string; speaking: boolean; self: boolean }
  | { type: 'inputLevel'; db: number }
  | { type: 'state'; state: NativePipelineState }
  /** Only what the engine uses of the pipeline's stats; the rest stays with `bridge.voice.stats()`. */
  | { type: 'stats'; pingMs: number }
  | ({ type: 'workletStats' } & NativeWorkletStats);

const isBool = (x: unknown): x is boolean => typeof x === 'boolean';

function decodeState(x: unknown): NativePipelineState | null {
  if (!isObj(x)) return null;
  switch (x['status']) {
    case 'connecting':
      return { status: 'connecting' };
    case 'connected':
      return { status: 'connected' };
    case 'lost':
      return isNum(x['code']) && isStr(x['reason']) && isBool(x['final']) ? { status: 'lost', code: x['code'], reason: x['reason'], final: x['final'] } : null;
    default:
      return null;
  }
}

const WORKLET_COUNTS = ['framesSent', 'dropped', 'framesReceived', 'underruns', 'overruns', 'bufferedSamples', 'playedEnergy'] as const;

export function decodeNativeVoiceMessage(x: unknown): NativeVoiceMessage | null {
  if (!isObj(x)) return null;
  switch (x['type']) {
    case 'speaking':
      return isStr(x['userId']) && isBool(x['speaking']) && isBool(x['self']) ? { type: 'speaking', userId: x['userId'], speaking: x['speaking'], self: x['self'] } : null;
    case 'inputLevel':
      return isNum(x['db']) ? { type: 'inputLevel', db: x['db'] } : null;
    case 'state': {
      const state = decodeState(x['state']);
      return state === null ? null : { type: 'state', state };
    }
    case 'stats': {
      const stats = x['stats'];
      return isObj(stats) && isNum(stats['pingMs']) ? { type: 'stats', pingMs: stats['pingMs'] } : null;
    }
    case 'workletStats': {
      const counts: Partial<Record<(typeof WORKLET_COUNTS)[number], number>> = {};
      for (const key of WORKLET_COUNTS) {
        const value = x[key];
        if (!isNum(value)) return null;
        counts[key] = value;
      }
      const { framesSent = 0, dropped = 0, framesReceived = 0, underruns = 0, overruns = 0, bufferedSamples = 0, playedEnergy = 0 } = counts;
      return { type: 'workletStats', framesSent, dropped, framesReceived, underruns, overruns, bufferedSamples, playedEnergy };
    }
    default:
      return null;
  }
}
