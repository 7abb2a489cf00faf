// The two AEAD modes of Discord's UDP voice path, `aead_aes256_gcm_rtpsize` and
// `aead_xchacha20_poly1305_rtpsize`, for one 32-byte session key. Wire format:
//   clear header (AAD) | ciphertext | 16-byte tag | 4-byte nonce counter (big-endian)
// where the clear header is what rtpsizeHeaderBytes says (RTP) or the 8-byte RTCP header, and the
// AEAD nonce is the counter in its first 4 bytes followed by zeros (12 bytes for AES-GCM, 24 for
// XChaCha20). XChaCha20-Poly1305 = ChaCha20-Poly1305 (IETF, from node:crypto) keyed with
// HChaCha20(key, nonce[0..16]) and nonce 0000 || nonce[16..24]. One instance per direction holds its
// own outgoing counter; the nonce and subkey buffers are allocated once.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { VoiceEncryptionMode } from '@concord/protocol';
import { opusPayloadOf, rtpsizeHeaderBytes } from '../rtp.ts';
import { hchacha20 } from './hchacha20.ts';

export const AEAD_TAG_BYTES = 16;
export const NONCE_COUNTER_BYTES = 4;
/** What sealing adds after the clear header besides the ciphertext. */
export const AEAD_OVERHEAD_BYTES = AEAD_TAG_BYTES + NONCE_COUNTER_BYTES;
export const VOICE_KEY_BYTES = 32;

/** The counter at the end of a sealed packet, or -1 if the packet is too short to hold one. */
export function readNonceCounter(packet: Uint8Array): number {
  const at = packet.length - NONCE_COUNTER_BYTES;
  if (at < 0) return -1;
  return (((packet[at] ?? 0) << 24) | ((packet[at + 1] ?? 0) << 16) | ((packet[at + 2] ?? 0) << 8) | (packet[at + 3] ?? 0)) >>> 0;
}

/** An opened RTP packet; every buffer is a view the caller may keep. */
export interface OpenedRtp {
  /** The clear header (fixed header, CSRCs, extension header). */
  header: Buffer;
  /** The decrypted extension body + payload, padding included. */
  body: Buffer;
  /** The Opus payload: body without the extension body and padding. */
  opus: Buffer;
  nonce: number;
}

export class VoiceCipher {
  readonly mode: VoiceEncryptionMode;
  private readonly aesKey: KeyObject | null;
  private readonly key: Buffer;
  /** XChaCha20 only: the 16 bytes HChaCha20 reads (counter then zeros) and the derived subkey. */
  private readonly hNonce = new Uint8Array(16);
  private readonly subkey = Buffer.alloc(VOICE_KEY_BYTES);
  /** The 12-byte nonce node:crypto gets: AES-GCM's counter-then-zeros, or ChaCha20's all-zero tail. */
  private readonly iv = Buffer.alloc(12);
  private nextCounter = 0;

  constructor(mode: VoiceEncryptionMode, key: Uint8Array) {
    if (key.length !== VOICE_KEY_BYTES) throw new RangeError(`voice key must be ${String(VOICE_KEY_BYTES)} bytes`);
    this.mode = mode;
    this.key = Buffer.from(key);
    this.aesKey = mode === 'aead_aes256_gcm_rtpsize' ? createSecretKey(this.key) : null;
  }

  /** The counter the next seal will use (the first is 1, as @discordjs/voice starts). */
  peekNextCounter(): number {
    return (this.nextCounter + 1) >>> 0;
  }

  /**
   * Seals `body` (extension body + payload, or the RTCP body) behind the clear `header` with this
   * cipher's next counter. Returns a new buffer header | ciphertext | tag | counter, which the caller
   * owns (it may be handed to a socket that sends it later).
   */
  seal(header: Uint8Array, body: Uint8Array): Buffer {
    this.nextCounter = (this.nextCounter + 1) >>> 0;
    const counter = this.nextCounter;
    const cipher = this.mode === 'aead_aes256_gcm_rtpsize'
      ? createCipheriv('aes-256-gcm', this.prepareAes(counter), this.iv, { authTagLength: AEAD_TAG_BYTES })
      : createCipheriv('chacha20-poly1305', this.prepareXChaCha(counter), this.iv, { authTagLength: AEAD_TAG_BYTES });
    cipher.setAAD(header);
    const ciphertext = cipher.update(body);
    cipher.final();
    const out = Buffer.allocUnsafe(header.length + ciphertext.length + AEAD_OVERHEAD_BYTES);
    out.set(header, 0);
    ciphertext.copy(out, header.length);
    cipher.getAuthTag().copy(out, header.length + ciphertext.length);
    out.writeUInt32BE(counter, out.length - NONCE_COUNTER_BYTES);
    return out;
  }

  /**
   * Opens a sealed packet whose first `headerBytes` are the clear header. Returns the decrypted body
   * (a new buffer the caller owns), or null when it is too short or does not authenticate (wrong key,
   * tampered, or not ours). Replay checks are the caller's (see ReplayWindow).
   */
  open(packet: Uint8Array, headerBytes: number): Buffer | null {
    const tagAt = packet.length - AEAD_OVERHEAD_BYTES;
    if (headerBytes < 0 || tagAt < headerBytes) return null;
    const counter = readNonceCounter(packet);
    const decipher = this.mode === 'aead_aes256_gcm_rtpsize'
      ? createDecipheriv('aes-256-gcm', this.prepareAes(counter), this.iv, { authTagLength: AEAD_TAG_BYTES })
      : createDecipheriv('chacha20-poly1305', this.prepareXChaCha(counter), this.iv, { authTagLength: AEAD_TAG_BYTES });
    decipher.setAAD(packet.subarray(0, headerBytes));
    decipher.setAuthTag(packet.subarray(tagAt, tagAt + AEAD_TAG_BYTES));
    const body = decipher.update(packet.subarray(headerBytes, tagAt));
    try {
      // node:crypto reports a failed tag check only by throwing; this is the one expected throw.
      decipher.final();
    } catch {
      return null;
    }
    return body;
  }

  /** Seals a plaintext RTP packet (header, extension body, payload); null if it is not RTP v2. */
  encryptRtp(plainPacket: Buffer): Buffer | null {
    const headerBytes = rtpsizeHeaderBytes(plainPacket);
    if (headerBytes < 0) return null;
    return this.seal(plainPacket.subarray(0, headerBytes), plainPacket.subarray(headerBytes));
  }

  /** Opens a sealed RTP packet down to its Opus payload; null if malformed or not authentic. */
  decryptRtp(packet: Buffer): OpenedRtp | null {
    const headerBytes = rtpsizeHeaderBytes(packet);
    const body = this.open(packet, headerBytes);
    if (body === null) return null;
    const opus = opusPayloadOf(packet, headerBytes, body);
    if (opus === null) return null;
    return { header: packet.subarray(0, headerBytes), body, opus, nonce: readNonceCounter(packet) };
  }

  private prepareAes(counter: number): KeyObject {
    this.iv.writeUInt32BE(counter, 0);
    // aesKey is set whenever the mode is AES-GCM (constructor).
    return this.aesKey ?? createSecretKey(this.key);
  }

  private prepareXChaCha(counter: number): Buffer {
    const n = this.hNonce;
    n[0] = counter >>> 24;
    n[1] = (counter >>> 16) & 0xff;
    n[2] = (counter >>> 8) & 0xff;
    n[3] = counter & 0xff;
    hchacha20(this.key, n, this.subkey);
    // The ChaCha20 nonce is 4 zero bytes + nonce[16..24], which Discord leaves zero: iv stays zero.
    return this.subkey;
  }
}
