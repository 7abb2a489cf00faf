import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opusPayloadOf, parseRtpHeader, rtpExtensionBodyBytes, rtpsizeHeaderBytes, writeOpusRtpHeader } from './rtp.ts';

describe('rtp', () => {
  it('writes and parses an Opus header (PT 120, sequence, timestamp, SSRC)', () => {
    const out = Buffer.alloc(12);
    writeOpusRtpHeader(out, 0, 0xfffe, 0xfedcba98, 0x89abcdef);
    expect(out.toString('hex')).toBe('8078fffefedcba9889abcdef');
    expect(parseRtpHeader(out)).toEqual({
      padding: false, extension: false, csrcCount: 0, marker: false, payloadType: 120,
      sequence: 0xfffe, timestamp: 0xfedcba98, ssrc: 0x89abcdef, headerBytes: 12,
    });
  });

  it('counts CSRCs and the 4-byte extension header, not the extension body, in the rtpsize header', () => {
    const packet = Buffer.alloc(40);
    packet[0] = 0x80 | 0x10 | 2; // X, two CSRCs
    packet.writeUInt16BE(0xbede, 20);
    packet.writeUInt16BE(3, 22);
    expect(rtpsizeHeaderBytes(packet)).toBe(12 + 8 + 4);
    expect(rtpExtensionBodyBytes(packet, 24)).toBe(12);
    expect(rtpsizeHeaderBytes(packet.subarray(0, 23))).toBe(-1);
    packet[0] = 0x40; // version 1
    expect(rtpsizeHeaderBytes(packet)).toBe(-1);
  });

  it('strips the extension body and padding from a decrypted body, refusing impossible lengths', () => {
    const header = Buffer.from('b0780001000000000000000abede0001', 'hex'); // V2, P, X; 1 word of extension
    expect(opusPayloadOf(header, 16, Buffer.from('11223344aabbcc000002', 'hex'))?.toString('hex')).toBe('aabbcc00');
    expect(opusPayloadOf(header, 16, Buffer.from('112233440000', 'hex'))).toBeNull(); // padding count 0
    expect(opusPayloadOf(header, 16, Buffer.from('11223309', 'hex'))).toBeNull(); // padding runs into the extension
    expect(opusPayloadOf(header, 16, Buffer.from('1122', 'hex'))).toBeNull(); // shorter than the extension body
  });

  it('never throws on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (packet, body) => {
      const headerBytes = rtpsizeHeaderBytes(packet);
      parseRtpHeader(packet);
      if (headerBytes >= 0) opusPayloadOf(packet, headerBytes, Buffer.from(body));
    }));
  });
});
