// Where a viewer may start watching a video stream the SFU does not decode: the first RTP packet of a
// key frame, read from the payload headers only (VP8: RFC 7741 descriptor + the frame tag's P bit;
// H.264: RFC 6184 single NAL, STAP-A, FU-A). Untrusted bytes: every read is bounds-checked and a
// short or odd payload answers false, never throws.

export type VideoCodec = 'vp8' | 'h264';

/** The codec the SFU forwards for a negotiated mime type, or null for one it does not. */
export function videoCodecOf(mimeType: string): VideoCodec | null {
  const m = mimeType.toLowerCase();
  if (m === 'video/vp8') return 'vp8';
  if (m === 'video/h264') return 'h264';
  return null;
}

/** Whether `payload` is the first packet of a key frame (a decoder can start here). */
export function startsKeyFrame(codec: VideoCodec, payload: Uint8Array): boolean {
  return codec === 'vp8' ? startsVp8KeyFrame(payload) : startsH264KeyFrame(payload);
}

function startsVp8KeyFrame(p: Uint8Array): boolean {
  if (p.length < 1) return false;
  const b0 = p[0]!;
  const start = (b0 & 0x10) !== 0;
  const partition = b0 & 0x07;
  if (!start || partition !== 0) return false;
  let i = 1;
  if ((b0 & 0x80) !== 0) {
    // X: I (picture id), L (TL0PICIDX), T/K (TID/KEYIDX) follow.
    if (p.length <= i) return false;
    const x = p[i++]!;
    if ((x & 0x80) !== 0) {
      if (p.length <= i) return false;
      i += (p[i]! & 0x80) !== 0 ? 2 : 1;
    }
    if ((x & 0x40) !== 0) i++;
    if ((x & 0x30) !== 0) i++;
  }
  // The VP8 frame tag: bit 0 is P, the inverse key frame flag.
  if (p.length <= i) return false;
  return (p[i]! & 0x01) === 0;
}

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_STAP_A = 24;
const NAL_FU_A = 28;

function startsH264KeyFrame(p: Uint8Array): boolean {
  if (p.length < 1) return false;
  const type = p[0]! & 0x1f;
  if (type === NAL_SPS || type === NAL_IDR) return true;
  if (type === NAL_STAP_A) {
    let i = 1;
    while (i + 2 < p.length) {
      const size = (p[i]! << 8) | p[i + 1]!;
      const nal = p[i + 2]! & 0x1f;
      if (nal === NAL_SPS || nal === NAL_IDR) return true;
      if (size === 0) return false;
      i += 2 + size;
    }
    return false;
  }
  if (type === NAL_FU_A) {
    if (p.length < 2) return false;
    const fuHeader = p[1]!;
    return (fuHeader & 0x80) !== 0 && (fuHeader & 0x1f) === NAL_IDR;
  }
  return false;
}

/**
 * Where a VP8 payload's frame starts (after the RFC 7741 descriptor), or -1 when the descriptor is
 * cut short. Untrusted bytes: bounds-checked.
 */
export function vp8DescriptorLength(p: Uint8Array): number {
  if (p.length < 1) return -1;
  let i = 1;
  if ((p[0]! & 0x80) !== 0) {
    if (p.length <= i) return -1;
    const x = p[i++]!;
    if ((x & 0x80) !== 0) {
      if (p.length <= i) return -1;
      i += (p[i]! & 0x80) !== 0 ? 2 : 1;
    }
    if ((x & 0x40) !== 0) i++;
    if ((x & 0x30) !== 0) i++;
  }
  return i <= p.length ? i : -1;
}

/**
 * The picture size a VP8 key frame's first packet declares (RFC 6386 9.1: frame tag, start code
 * 9d 01 2a, 14-bit width and height), or null for anything else. Lets the SFU tell simulcast layers
 * apart by height without decoding.
 */
export function vp8KeyFrameSize(p: Uint8Array): { width: number; height: number } | null {
  if (!startsVp8KeyFrame(p)) return null;
  const i = vp8DescriptorLength(p);
  if (i < 0 || p.length < i + 10) return null;
  if (p[i + 3] !== 0x9d || p[i + 4] !== 0x01 || p[i + 5] !== 0x2a) return null;
  const width = (p[i + 6]! | (p[i + 7]! << 8)) & 0x3fff;
  const height = (p[i + 8]! | (p[i + 9]! << 8)) & 0x3fff;
  return width > 0 && height > 0 ? { width, height } : null;
}
