// VoiceCipher against independent implementations: node:crypto's AES-GCM driven by hand,
// libsodium's XChaCha20-Poly1305, and @discordjs/voice's own packet sealing and opening (the bot
// library our server must interoperate with), reached through its prototypes.
import { createCipheriv } from 'node:crypto';
import { Networking, VoiceReceiver } from '@discordjs/voice';
import sodium from 'libsodium-wrappers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { VOICE_ENCRYPTION_MODES, type VoiceEncryptionMode } from '@concord/protocol';
import { writeOpusRtpHeader } from '../rtp.ts';
import { ReplayWindow } from './ReplayWindow.ts';
import { AEAD_OVERHEAD_BYTES, readNonceCounter, VoiceCipher } from './VoiceCipher.ts';

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff));
const opus = Buffer.from('fc ff fe 0102030405060708090a'.replaceAll(' ', ''), 'hex');

function plainPacket(sequence: number, timestamp: number, ssrc: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  writeOpusRtpHeader(header, 0, sequence, timestamp, ssrc);
  return Buffer.concat([header, payload]);
}

/** @discordjs/voice's private packet functions, which use nothing of their instance but what we pass. */
interface DjsConnectionData {
  encryptionMode: string; secretKey: Uint8Array; nonce: number; nonceBuffer: Buffer; sequence: number; timestamp: number; ssrc: number;
}
interface DjsNetworkingInternals { createAudioPacket(opus: Buffer, data: DjsConnectionData, dave?: undefined): Buffer }
interface DjsReceiverInternals {
  decrypt(this: void, buffer: Buffer, mode: string, nonce: Buffer, key: Uint8Array): Buffer;
  parsePacket(buffer: Buffer, mode: string, nonce: Buffer, key: Uint8Array, userId: string): Buffer;
}
const djsNetworking = Networking.prototype as unknown as DjsNetworkingInternals;
const djsReceiver = VoiceReceiver.prototype as unknown as DjsReceiverInternals;
const djsReceiverThis = { decrypt: djsReceiver.decrypt, voiceConnection: { state: { status: 'destroyed' } } };

function djsSeal(mode: VoiceEncryptionMode, nonce: number, sequence: number): Buffer {
  return djsNetworking.createAudioPacket(opus, {
    encryptionMode: mode, secretKey: key, nonce, nonceBuffer: Buffer.alloc(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24),
    sequence, timestamp: 960 * sequence, ssrc: 0x1234abcd,
  });
}

beforeAll(async () => {
  await sodium.ready;
});

describe('VoiceCipher aead_aes256_gcm_rtpsize', () => {
  it('seals exactly what node:crypto AES-256-GCM gives for header-as-AAD and counter-then-zeros nonce', () => {
    const cipher = new VoiceCipher('aead_aes256_gcm_rtpsize', key);
    const packet = plainPacket(7, 6720, 42, opus);
    const sealed = cipher.encryptRtp(packet);
    const iv = Buffer.alloc(12); iv.writeUInt32BE(1, 0);
    const reference = createCipheriv('aes-256-gcm', key, iv);
    reference.setAAD(packet.subarray(0, 12));
    const expected = Buffer.concat([packet.subarray(0, 12), reference.update(opus), reference.final(), reference.getAuthTag(), Buffer.from([0, 0, 0, 1])]);
    expect(sealed?.toString('hex')).toBe(expected.toString('hex'));
  });
});

describe('VoiceCipher aead_xchacha20_poly1305_rtpsize', () => {
  it('seals exactly what libsodium crypto_aead_xchacha20poly1305_ietf_encrypt gives', () => {
    const cipher = new VoiceCipher('aead_xchacha20_poly1305_rtpsize', key);
    for (let n = 1; n <= 3; n++) {
      const packet = plainPacket(n, 960 * n, 0xdeadbeef, opus);
      const nonce = Buffer.alloc(24); nonce.writeUInt32BE(n, 0);
      const reference = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(opus, packet.subarray(0, 12), null, nonce, key);
      const expected = Buffer.concat([packet.subarray(0, 12), reference, nonce.subarray(0, 4)]);
      expect(cipher.encryptRtp(packet)?.toString('hex')).toBe(expected.toString('hex'));
    }
  });

  it('opens what libsodium sealed with a counter near 2^32', () => {
    const header = plainPacket(1, 1, 1, Buffer.alloc(0));
    const nonce = Buffer.alloc(24); nonce.writeUInt32BE(0xfffffff0, 0);
    const sealed = Buffer.concat([header, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(opus, header, null, nonce, key), nonce.subarray(0, 4)]);
    const opened = new VoiceCipher('aead_xchacha20_poly1305_rtpsize', key).decryptRtp(sealed);
    expect(opened?.opus.toString('hex')).toBe(opus.toString('hex'));
    expect(opened?.nonce).toBe(0xfffffff0);
  });
});

// @discordjs/voice 0.19.2 only does AES-GCM here: its XChaCha path imports libsodium-wrappers 0.8.4 as
// an ES module namespace and finds no functions on it (it throws "is not a function"), so XChaCha
// interop is checked against libsodium directly above.
describe('VoiceCipher aead_aes256_gcm_rtpsize against @discordjs/voice', () => {
  const mode = 'aead_aes256_gcm_rtpsize';
  it('opens what @discordjs/voice sealed', () => {
    const cipher = new VoiceCipher(mode, key);
    const sealed = djsSeal(mode, 41, 5);
    const opened = cipher.decryptRtp(sealed);
    expect(opened?.opus.toString('hex')).toBe(opus.toString('hex'));
    expect(opened?.nonce).toBe(42);
    expect(readNonceCounter(sealed)).toBe(42);
  });

  it('seals what @discordjs/voice opens, with a one-byte-header extension and padding stripped', () => {
    const cipher = new VoiceCipher(mode, key);
    // X bit + padding bit; extension 0xBEDE with 1 word of body; 3 padding bytes after the Opus.
    const header = Buffer.alloc(16);
    writeOpusRtpHeader(header, 0, 9, 8640, 77);
    header[0] = 0x80 | 0x20 | 0x10;
    header.writeUInt16BE(0xbede, 12);
    header.writeUInt16BE(1, 14);
    const plain = Buffer.concat([header, Buffer.from([0x10, 0xff, 0, 0]), opus, Buffer.from([0, 0, 3])]);
    const sealed = cipher.encryptRtp(plain);
    if (sealed === null) throw new Error('not sealed');
    expect(sealed.length).toBe(plain.length + AEAD_OVERHEAD_BYTES);
    const nonceBuffer = Buffer.alloc(12);
    const djsOpus = djsReceiver.parsePacket.call(djsReceiverThis, sealed, mode, nonceBuffer, key, 'u');
    expect(djsOpus.toString('hex')).toBe(opus.toString('hex'));
    expect(cipher.decryptRtp(sealed)?.opus.toString('hex')).toBe(opus.toString('hex'));
  });
});

describe.each(VOICE_ENCRYPTION_MODES)('VoiceCipher %s', (mode: VoiceEncryptionMode) => {

  it('refuses a wrong key, a flipped bit anywhere, and a truncated packet', () => {
    const sealed = new VoiceCipher(mode, key).encryptRtp(plainPacket(1, 960, 5, opus));
    if (sealed === null) throw new Error('not sealed');
    const receiver = new VoiceCipher(mode, key);
    expect(receiver.decryptRtp(sealed)).not.toBeNull();
    expect(new VoiceCipher(mode, Buffer.alloc(32, 9)).decryptRtp(sealed)).toBeNull();
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      // Flipping the version bits makes it not RTP; every other flip must fail authentication.
      expect(receiver.decryptRtp(tampered), `bit flip at byte ${String(i)}`).toBeNull();
    }
    for (let length = 0; length < sealed.length; length++) expect(receiver.decryptRtp(sealed.subarray(0, length))).toBeNull();
  });

  it('counts its own nonce up from 1 and round-trips any payload', () => {
    const sender = new VoiceCipher(mode, key);
    const receiver = new VoiceCipher(mode, key);
    const window = new ReplayWindow();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1400 }), fc.integer({ min: 0, max: 0xffff }), (payload, seq) => {
      const before = sender.peekNextCounter();
      const sealed = sender.encryptRtp(plainPacket(seq, seq * 960, 3, Buffer.from(payload)));
      if (sealed === null) throw new Error('not sealed');
      const opened = receiver.decryptRtp(sealed);
      expect(opened?.nonce).toBe(before);
      expect(window.accepts(before)).toBe(true);
      window.commit(before);
      expect(Buffer.compare(opened?.opus ?? Buffer.alloc(1), Buffer.from(payload))).toBe(0);
    }), { numRuns: 200 });
  });
});
