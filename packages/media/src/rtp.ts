// RTP (RFC 3550) as Discord's UDP voice path carries it: a hand-written decoder for the hot path
// (no objects per packet beyond what the caller asks for), the header size the `*_rtpsize` AEAD modes
// use as additional data, and the helpers that turn a decrypted body back into the Opus payload.
import { VOICE_OPUS_PAYLOAD_TYPE } from '@concord/protocol';

/** Fixed RTP header bytes (V/P/X/CC, M/PT, sequence, timestamp, SSRC). */
export const RTP_FIXED_HEADER_BYTES = 12;
/** The one-byte-header extension profile (RFC 8285) Discord clients use. */
export const RTP_ONE_BYTE_EXTENSION_PROFILE = 0xbede;

/**
 * Bytes of the header the `*_rtpsize` modes leave in the clear and authenticate: the fixed header,
 * the CSRCs and, when the X bit is set, the 4-byte extension header (profile, length) but not the
 * extension body (that is encrypted with the payload). -1 when the packet is shorter than that or is
 * not RTP version 2.
 */
export function rtpsizeHeaderBytes(packet: Uint8Array): number {
  if (packet.length < RTP_FIXED_HEADER_BYTES) return -1;
  const first = packet[0] ?? 0;
  if (first >> 6 !== 2) return -1;
  let size = RTP_FIXED_HEADER_BYTES + 4 * (first & 0x0f);
  if ((first & 0x10) !== 0) size += 4;
  return size <= packet.length ? size : -1;
}

/** Length in bytes of the extension body announced by the clear extension header, 0 without the X bit. */
export function rtpExtensionBodyBytes(packet: Uint8Array, headerBytes: number): number {
  const first = packet[0] ?? 0;
  if ((first & 0x10) === 0) return 0;
  const words = ((packet[headerBytes - 2] ?? 0) << 8) | (packet[headerBytes - 1] ?? 0);
  return words * 4;
}

export const rtpPayloadType = (packet: Uint8Array): number => (packet[1] ?? 0) & 0x7f;
export const rtpMarker = (packet: Uint8Array): boolean => ((packet[1] ?? 0) & 0x80) !== 0;
export const rtpSequence = (packet: Uint8Array): number => ((packet[2] ?? 0) << 8) | (packet[3] ?? 0);
export const rtpTimestamp = (packet: Uint8Array): number =>
  (((packet[4] ?? 0) << 24) | ((packet[5] ?? 0) << 16) | ((packet[6] ?? 0) << 8) | (packet[7] ?? 0)) >>> 0;
export const rtpSsrc = (packet: Uint8Array): number =>
  (((packet[8] ?? 0) << 24) | ((packet[9] ?? 0) << 16) | ((packet[10] ?? 0) << 8) | (packet[11] ?? 0)) >>> 0;
export const rtpHasPadding = (packet: Uint8Array): boolean => ((packet[0] ?? 0) & 0x20) !== 0;

/** A parsed RTP header, for code off the hot path (tests, tools). */
export interface RtpHeader {
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** Bytes the rtpsize modes keep in the clear (see rtpsizeHeaderBytes). */
  headerBytes: number;
}

export function parseRtpHeader(packet: Uint8Array): RtpHeader | null {
  const headerBytes = rtpsizeHeaderBytes(packet);
  if (headerBytes < 0) return null;
  const first = packet[0] ?? 0;
  return {
    padding: (first & 0x20) !== 0,
    extension: (first & 0x10) !== 0,
    csrcCount: first & 0x0f,
    marker: rtpMarker(packet),
    payloadType: rtpPayloadType(packet),
    sequence: rtpSequence(packet),
    timestamp: rtpTimestamp(packet),
    ssrc: rtpSsrc(packet),
    headerBytes,
  };
}

/**
 * Writes a 12-byte RTP header for Opus (version 2, no CSRC, no extension, PT 120) into `out` at
 * `offset`. Returns the bytes written.
 */
export function writeOpusRtpHeader(out: Uint8Array, offset: number, sequence: number, timestamp: number, ssrc: number): number {
  out[offset] = 0x80;
  out[offset + 1] = VOICE_OPUS_PAYLOAD_TYPE;
  out[offset + 2] = (sequence >>> 8) & 0xff;
  out[offset + 3] = sequence & 0xff;
  out[offset + 4] = (timestamp >>> 24) & 0xff;
  out[offset + 5] = (timestamp >>> 16) & 0xff;
  out[offset + 6] = (timestamp >>> 8) & 0xff;
  out[offset + 7] = timestamp & 0xff;
  out[offset + 8] = (ssrc >>> 24) & 0xff;
  out[offset + 9] = (ssrc >>> 16) & 0xff;
  out[offset + 10] = (ssrc >>> 8) & 0xff;
  out[offset + 11] = ssrc & 0xff;
  return RTP_FIXED_HEADER_BYTES;
}

/**
 * The Opus payload inside a decrypted rtpsize body: skips the decrypted extension body (its length
 * comes from the clear extension header in `packet`) and drops RTP padding (the last byte counts the
 * padding bytes). Returns a view into `body` (valid as long as `body` is), or null when the lengths
 * do not fit.
 */
export function opusPayloadOf(packet: Uint8Array, headerBytes: number, body: Buffer): Buffer | null {
  const extensionBytes = rtpExtensionBodyBytes(packet, headerBytes);
  let end = body.length;
  if (rtpHasPadding(packet)) {
    const paddingBytes = body[end - 1] ?? 0;
    if (paddingBytes === 0 || paddingBytes > end - extensionBytes) return null;
    end -= paddingBytes;
  }
  if (extensionBytes > end) return null;
  return body.subarray(extensionBytes, end);
}
