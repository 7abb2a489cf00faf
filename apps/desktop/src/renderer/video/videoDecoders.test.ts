// The voice gateway's video frames as the renderer decodes them: op 12 (a member's sources), op 40
// (a receive slot's stream), op 41 (a source refused), op 42 (who watches a stream), op 4's limits,
// each through decodeVoiceFrame as the engine gets them; hostile input decodes to null/`ignored`,
// never throws (fuzzed).
import fc from 'fast-check';
import { DEFAULT_VOICE_VIDEO_LIMITS, VoiceOpcode } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { decodeVoiceFrame } from '../voice/voiceDecoders.ts';
import { decodeStreamViewers, decodeVideoLimits, decodeVideoRefused, decodeVideoSink, decodeVideoSources } from './videoDecoders.ts';

const frame = (op: number, d: unknown) => decodeVoiceFrame(JSON.stringify({ op, d, seq: 3 }));

describe('op 12: a member\'s video sources', () => {
  it('decodes the server\'s shape and keeps inactive sources as inactive', () => {
    const d = { user_id: '1100000000000000001', audio_ssrc: 5, video_ssrc: 77, streams: [{ type: 'video', ssrc: 77, active: true, max_resolution: { type: 'fixed', width: 1280, height: 720 } }, { type: 'screen', ssrc: 78, active: false }] };
    expect(frame(VoiceOpcode.Video, d)).toEqual({ seq: 3, frame: { op: VoiceOpcode.Video, userId: '1100000000000000001', streams: [{ type: 'video', ssrc: 77, active: true }, { type: 'screen', ssrc: 78, active: false }] } });
    // `active` anything but true is off.
    expect(decodeVideoSources({ user_id: '1', streams: [{ type: 'screen', ssrc: 1, active: 'yes' }] })?.streams[0]?.active).toBe(false);
  });

  it.each([
    ['a user id that is not a snowflake', { user_id: 'ava', streams: [] }],
    ['streams missing', { user_id: '1' }],
    ['an unknown source type', { user_id: '1', streams: [{ type: 'window', ssrc: 1, active: true }] }],
    ['a negative SSRC', { user_id: '1', streams: [{ type: 'video', ssrc: -1, active: true }] }],
    ['an SSRC over 32 bits', { user_id: '1', streams: [{ type: 'video', ssrc: 2 ** 32, active: true }] }],
    ['a fractional SSRC', { user_id: '1', streams: [{ type: 'video', ssrc: 1.5, active: true }] }],
    ['more than 8 streams', { user_id: '1', streams: Array.from({ length: 9 }, (_, i) => ({ type: 'video', ssrc: i + 1, active: true })) }],
  ])('rejects %s', (_what, d) => {
    expect(decodeVideoSources(d)).toBeNull();
    expect(frame(VoiceOpcode.Video, d)?.frame).toEqual({ op: 'ignored', reason: 'bad video' });
  });
});

describe('op 40: a receive slot\'s stream', () => {
  const sink = { user_id: '1100000000000000001', type: 'screen', ssrc: 78, mid: '10', slot_ssrc: 4000, active: true };
  it('decodes the slot, its SSRC and the stream on it', () => {
    expect(frame(VoiceOpcode.VideoSink, sink)?.frame).toEqual({ op: VoiceOpcode.VideoSink, userId: sink.user_id, type: 'screen', ssrc: 78, mid: '10', slotSsrc: 4000, active: true });
    expect(decodeVideoSink({ ...sink, active: false })?.active).toBe(false);
  });
  it.each([
    ['an empty mid', { ...sink, mid: '' }],
    ['a mid over 16 characters', { ...sink, mid: 'm'.repeat(17) }],
    ['a numeric mid', { ...sink, mid: 10 }],
    ['no slot SSRC', { ...sink, slot_ssrc: undefined }],
    ['an unknown type', { ...sink, type: 'audio' }],
  ])('rejects %s', (_what, d) => {
    expect(decodeVideoSink(d)).toBeNull();
  });
});

describe('op 41: a source refused', () => {
  it('decodes the code and clips the message', () => {
    expect(frame(VoiceOpcode.VideoRefused, { type: 'screen', ssrc: 9, code: 50013, message: 'Missing Permissions' })?.frame).toEqual({ op: VoiceOpcode.VideoRefused, type: 'screen', ssrc: 9, code: 50013, message: 'Missing Permissions' });
    expect(decodeVideoRefused({ type: 'video', ssrc: 9, code: 50035, message: 'x'.repeat(5000) })?.message).toHaveLength(200);
    expect(decodeVideoRefused({ type: 'video', ssrc: 9, code: 50035 })?.message).toBe('');
  });
  it('rejects a frame without a numeric code', () => {
    expect(decodeVideoRefused({ type: 'video', ssrc: 9, code: '50013' })).toBeNull();
  });
});

describe('op 42: who watches a stream', () => {
  it('decodes the list with the protocol schema, without duplicates', () => {
    const d = { user_id: '1100000000000000001', ssrc: 78, viewer_ids: ['1100000000000000002', '1100000000000000003', '1100000000000000002'] };
    expect(frame(VoiceOpcode.StreamViewers, d)?.frame).toEqual({ op: VoiceOpcode.StreamViewers, userId: d.user_id, ssrc: 78, viewerIds: ['1100000000000000002', '1100000000000000003'] });
    expect(decodeStreamViewers({ ...d, viewer_ids: [] })?.viewerIds).toEqual([]);
  });
  it.each([
    ['a viewer id that is not a snowflake', { user_id: '1', ssrc: 1, viewer_ids: ['ben'] }],
    ['SSRC 0 (no stream)', { user_id: '1', ssrc: 0, viewer_ids: [] }],
    ['viewer_ids not a list', { user_id: '1', ssrc: 1, viewer_ids: '2' }],
    ['over 1000 viewers', { user_id: '1', ssrc: 1, viewer_ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) }],
    ['null', null],
  ])('rejects %s', (_what, d) => {
    expect(decodeStreamViewers(d)).toBeNull();
    expect(frame(VoiceOpcode.StreamViewers, d)?.frame).toEqual({ op: 'ignored', reason: 'bad stream viewers' });
  });
});

describe('op 4 video_limits', () => {
  it('takes sane limits and falls back per field to the defaults', () => {
    expect(decodeVideoLimits(undefined)).toEqual(DEFAULT_VOICE_VIDEO_LIMITS);
    const limits = decodeVideoLimits({ video: { max_width: 640, max_height: 360, max_framerate: 15, max_bitrate: 500_000 }, screen: { max_width: -1, max_height: 1e9, max_framerate: 'fast', max_bitrate: 1_000_000.7 } });
    expect(limits.video).toEqual({ max_width: 640, max_height: 360, max_framerate: 15, max_bitrate: 500_000 });
    expect(limits.screen).toEqual({ ...DEFAULT_VOICE_VIDEO_LIMITS.screen, max_bitrate: 1_000_000 });
  });
});

describe('video frames under fuzzing', () => {
  it('never throw, whatever the payload', () => {
    const ops = [VoiceOpcode.Video, VoiceOpcode.VideoSink, VoiceOpcode.VideoRefused, VoiceOpcode.StreamViewers];
    fc.assert(fc.property(fc.constantFrom(...ops), fc.anything(), (op, d) => {
      const decoded = frame(op, d);
      expect(decoded).not.toBeNull();
      for (const decode of [decodeVideoSources, decodeVideoSink, decodeVideoRefused, decodeStreamViewers, decodeVideoLimits]) decode(d);
    }), { numRuns: 2000 });
  });

  it('accepts every well-formed op 42 and returns its viewers', () => {
    const id = fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }).map(String);
    fc.assert(fc.property(id, fc.integer({ min: 1, max: 0xffffffff }), fc.array(id, { maxLength: 50 }), (userId, ssrc, viewers) => {
      const out = decodeStreamViewers({ user_id: userId, ssrc, viewer_ids: viewers });
      expect(out).toEqual({ userId, ssrc, viewerIds: [...new Set(viewers)] });
    }));
  });
});
