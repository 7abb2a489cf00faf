import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIpDiscovery, encodeIpDiscovery, isIpDiscoveryRequest } from './ipDiscovery.ts';

describe('ipDiscovery', () => {
  it('encodes the 74-byte answer the way @discordjs/voice reads it', () => {
    const answer = encodeIpDiscovery({ type: 2, ssrc: 0x01020304, address: '203.0.113.7', port: 50004 });
    expect(answer.length).toBe(74);
    expect(answer.subarray(0, 8).toString('hex')).toBe('0002004601020304');
    // @discordjs/voice: address from byte 8 to the first NUL, port from the last two bytes.
    expect(answer.subarray(8, answer.indexOf(0, 8)).toString('utf8')).toBe('203.0.113.7');
    expect(answer.readUInt16BE(72)).toBe(50004);
    expect(decodeIpDiscovery(answer)).toEqual({ type: 2, ssrc: 0x01020304, address: '203.0.113.7', port: 50004 });
  });

  it('recognises the request @discordjs/voice sends (type 1, length 70, ssrc, zeros)', () => {
    const request = Buffer.alloc(74);
    request.writeUInt16BE(1, 0);
    request.writeUInt16BE(70, 2);
    request.writeUInt32BE(99, 4);
    expect(isIpDiscoveryRequest(request)).toBe(true);
    expect(decodeIpDiscovery(request)).toEqual({ type: 1, ssrc: 99, address: '', port: 0 });
    expect(isIpDiscoveryRequest(request.subarray(0, 73))).toBe(false);
  });

  it('refuses wrong sizes, types, length fields and unterminated or unpadded addresses', () => {
    const good = encodeIpDiscovery({ type: 1, ssrc: 1, address: '', port: 0 });
    expect(decodeIpDiscovery(Buffer.concat([good, Buffer.alloc(1)]))).toBeNull();
    const badType = Buffer.from(good); badType[1] = 3;
    expect(decodeIpDiscovery(badType)).toBeNull();
    const badLength = Buffer.from(good); badLength[3] = 69;
    expect(decodeIpDiscovery(badLength)).toBeNull();
    const unterminated = Buffer.from(good); unterminated.fill(0x41, 8, 72);
    expect(decodeIpDiscovery(unterminated)).toBeNull();
    const junkAfterNul = Buffer.from(good); junkAfterNul[20] = 0x41;
    expect(decodeIpDiscovery(junkAfterNul)).toBeNull();
    expect(() => encodeIpDiscovery({ type: 2, ssrc: 1, address: 'x'.repeat(64), port: 1 })).toThrow(RangeError);
  });

  it('round-trips any address and never throws on any 74 bytes', () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 0xffff }), fc.nat({ max: 0xffffffff }), (address, port, ssrc) => {
      expect(decodeIpDiscovery(encodeIpDiscovery({ type: 2, ssrc, address, port }))).toEqual({ type: 2, ssrc, address, port });
    }));
    fc.assert(fc.property(fc.uint8Array({ minLength: 74, maxLength: 74 }), (bytes) => { decodeIpDiscovery(bytes); }));
  });
});
