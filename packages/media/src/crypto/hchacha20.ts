// HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): derives the XChaCha20 subkey from a 256-bit key
// and the first 16 bytes of a 24-byte nonce. node:crypto has ChaCha20-Poly1305 with a 12-byte nonce
// but not the extended-nonce variant, so VoiceCipher builds XChaCha20-Poly1305 from this plus it.
// Pure TypeScript on 32-bit words; no allocation when the caller passes the state and output buffers.

const SIGMA_0 = 0x61707865;
const SIGMA_1 = 0x3320646e;
const SIGMA_2 = 0x79622d32;
const SIGMA_3 = 0x6b206574;

const readU32LE = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8) | ((bytes[offset + 2] ?? 0) << 16) | ((bytes[offset + 3] ?? 0) << 24)) >>> 0;

function writeU32LE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = (value >>> 16) & 0xff;
  out[offset + 3] = (value >>> 24) & 0xff;
}

/**
 * Writes HChaCha20(key, nonce16) (32 bytes) into `out` and returns it. `key` is 32 bytes, `nonce16`
 * at least 16 (only the first 16 are read).
 */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
  if (key.length !== 32) throw new RangeError('HChaCha20 key must be 32 bytes');
  if (nonce16.length < 16) throw new RangeError('HChaCha20 nonce must be 16 bytes');
  let x0 = SIGMA_0, x1 = SIGMA_1, x2 = SIGMA_2, x3 = SIGMA_3;
  let x4 = readU32LE(key, 0), x5 = readU32LE(key, 4), x6 = readU32LE(key, 8), x7 = readU32LE(key, 12);
  let x8 = readU32LE(key, 16), x9 = readU32LE(key, 20), x10 = readU32LE(key, 24), x11 = readU32LE(key, 28);
  let x12 = readU32LE(nonce16, 0), x13 = readU32LE(nonce16, 4), x14 = readU32LE(nonce16, 8), x15 = readU32LE(nonce16, 12);
  // Ten double rounds; each quarter round is written out so the words stay in registers.
  for (let round = 0; round < 10; round++) {
    // Column rounds.
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);

    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);

    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);

    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);

    // Diagonal rounds.
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);

    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);

    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);

    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  // Unlike the ChaCha20 block function there is no feed-forward: the subkey is words 0-3 and 12-15.
  writeU32LE(out, 0, x0); writeU32LE(out, 4, x1); writeU32LE(out, 8, x2); writeU32LE(out, 12, x3);
  writeU32LE(out, 16, x12); writeU32LE(out, 20, x13); writeU32LE(out, 24, x14); writeU32LE(out, 28, x15);
  return out;
}
