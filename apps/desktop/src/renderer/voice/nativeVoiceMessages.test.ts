// Messages from the native pipeline as the page receives them: each known shape decodes to the
// renderer's record; anything malformed (wrong types, unknown kinds, prototype tricks) is null.
import { describe, expect, it } from 'vitest';
import { decodeNativeVoiceMessage } from './nativeVoiceMessages.ts';

describe('decodeNativeVoiceMessage', () => {
  it('decodes speaking, input level, each state, stats (ping only) and worklet stats', () => {
    expect(decodeNativeVoiceMessage({ type: 'speaking', userId: '12', speaking: true, self: false })).toEqual({ type: 'speaking', userId: '12', speaking: true, self: false });
    expect(decodeNativeVoiceMessage({ type: 'inputLevel', db: -42.5 })).toEqual({ type: 'inputLevel', db: -42.5 });
    expect(decodeNativeVoiceMessage({ type: 'state', state: { status: 'connecting' } })).toEqual({ type: 'state', state: { status: 'connecting' } });
    expect(decodeNativeVoiceMessage({ type: 'state', state: { status: 'connected' } })).toEqual({ type: 'state', state: { status: 'connected' } });
    expect(decodeNativeVoiceMessage({ type: 'state', state: { status: 'lost', code: 4014, reason: 'bye', final: true } })).toEqual({ type: 'state', state: { status: 'lost', code: 4014, reason: 'bye', final: true } });
    expect(decodeNativeVoiceMessage({ type: 'stats', stats: { pingMs: 3, packetsSent: 10, users: [] } })).toEqual({ type: 'stats', pingMs: 3 });
    const worklet = { framesSent: 1, dropped: 0, framesReceived: 2, underruns: 0, overruns: 0, bufferedSamples: 960, playedEnergy: 0.5 };
    expect(decodeNativeVoiceMessage({ type: 'workletStats', ...worklet, extra: 'ignored' })).toEqual({ type: 'workletStats', ...worklet });
  });

  it('refuses malformed messages', () => {
    for (const bad of [
      null,
      'speaking',
      [],
      { type: 'pcm', pcm: new Int16Array(960) },
      { type: 'speaking', userId: 12, speaking: true, self: false },
      { type: 'inputLevel', db: Number.NaN },
      { type: 'state', state: { status: 'lost', code: '4014', reason: 'x', final: true } },
      { type: 'state', state: { status: 'resuming' } },
      { type: 'stats', stats: { pingMs: Infinity } },
      { type: 'workletStats', framesSent: 1 },
      JSON.parse('{"type":"inputLevel","__proto__":{"db":1}}'),
    ]) expect(decodeNativeVoiceMessage(bad)).toBeNull();
  });
});
