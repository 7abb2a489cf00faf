import { describe, expect, it } from 'vitest';
import { isRtcp, parseRtcpHeader } from './rtcp.ts';

describe('rtcp', () => {
  it('recognises a receiver report and reads its clear header', () => {
    const rr = Buffer.from('81c90007000004d2', 'hex');
    expect(isRtcp(rr)).toBe(true);
    expect(parseRtcpHeader(rr)).toEqual({ packetType: 201, reportCount: 1, lengthWords: 7, senderSsrc: 1234 });
  });

  it('does not take Opus RTP (PT 120, with or without marker), short packets or other types for RTCP', () => {
    expect(isRtcp(Buffer.from('8078000100000000', 'hex'))).toBe(false);
    expect(isRtcp(Buffer.from('80f8000100000000', 'hex'))).toBe(false);
    expect(isRtcp(Buffer.from('80c8', 'hex'))).toBe(false);
    expect(isRtcp(Buffer.from('80cd000100000000', 'hex'))).toBe(false); // 205 (RTPFB) is not in 200-204
    expect(parseRtcpHeader(Buffer.from('40c8000100000000', 'hex'))).toBeNull(); // version 1
  });
});
