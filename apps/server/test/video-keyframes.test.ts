// Where a viewer may start a VP8 or H.264 stream the SFU does not decode: the first packet of a key
// frame, from the payload headers alone. Packets as Chromium sends them (descriptor layouts of
// RFC 7741 / RFC 6184), and random bytes, which must never throw.
import { describe, expect, it } from 'vitest';
import { startsKeyFrame, videoCodecOf } from '../src/voice/webrtc/keyFrames.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('key frame starts (VP8)', () => {
  it('takes a first packet (S=1, partition 0) whose frame tag has P=0, with Chromium\'s extended descriptor (I, 15-bit picture id)', () => {
    // X=1 S=1 PID=0 | I=1 | M=1 picture id (2 bytes) | frame tag 0x50 (P=0)
    expect(startsKeyFrame('vp8', bytes(0x90, 0x80, 0x81, 0x23, 0x50, 0x2f, 0x00, 0x9d, 0x01, 0x2a))).toBe(true);
    expect(startsKeyFrame('vp8', bytes(0x10, 0x50, 0x2f, 0x00, 0x9d, 0x01, 0x2a))).toBe(true);
  });
  it('refuses a delta frame, a continuation packet, another partition, and truncated descriptors', () => {
    expect(startsKeyFrame('vp8', bytes(0x90, 0x80, 0x81, 0x23, 0x51))).toBe(false); // P=1
    expect(startsKeyFrame('vp8', bytes(0x80, 0x80, 0x81, 0x23, 0x50))).toBe(false); // S=0
    expect(startsKeyFrame('vp8', bytes(0x11, 0x50))).toBe(false); // partition 1
    expect(startsKeyFrame('vp8', bytes(0x90, 0x80, 0x81))).toBe(false);
    expect(startsKeyFrame('vp8', bytes())).toBe(false);
  });
});

describe('key frame starts (H.264)', () => {
  it('takes an SPS, an IDR, a STAP-A carrying an SPS, and the first FU-A fragment of an IDR', () => {
    expect(startsKeyFrame('h264', bytes(0x67, 0x42))).toBe(true);
    expect(startsKeyFrame('h264', bytes(0x65, 0x88))).toBe(true);
    expect(startsKeyFrame('h264', bytes(0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce))).toBe(true);
    expect(startsKeyFrame('h264', bytes(0x7c, 0x85, 0x88))).toBe(true);
  });
  it('refuses non-IDR slices, later FU-A fragments and a STAP-A without SPS/IDR', () => {
    expect(startsKeyFrame('h264', bytes(0x41, 0x9a))).toBe(false);
    expect(startsKeyFrame('h264', bytes(0x7c, 0x05, 0x88))).toBe(false);
    expect(startsKeyFrame('h264', bytes(0x78, 0x00, 0x02, 0x68, 0xce, 0x00, 0x00))).toBe(false);
  });
});

it('never throws on random payloads and maps only VP8 and H.264', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 20_000; i++) {
    const p = Uint8Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(rand() * 256));
    expect(typeof startsKeyFrame('vp8', p)).toBe('boolean');
    expect(typeof startsKeyFrame('h264', p)).toBe('boolean');
  }
  expect(videoCodecOf('video/VP8')).toBe('vp8');
  expect(videoCodecOf('video/H264')).toBe('h264');
  expect(videoCodecOf('video/VP9')).toBeNull();
});
