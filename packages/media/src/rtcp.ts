// RTCP (RFC 3550 section 6), just enough for the SFU to recognise what Discord clients send on the
// voice UDP socket (sender/receiver reports and friends, packet types 200-204, encrypted in the
// rtpsize modes after an 8-byte clear header) so it can ignore them without counting them as garbage.

/** Sender report, receiver report, source description, goodbye, application-defined. */
export const RTCP_PACKET_TYPE_FIRST = 200;
export const RTCP_PACKET_TYPE_LAST = 204;
/** V/P/RC, PT, length, sender SSRC: the part the rtpsize modes leave in the clear. */
export const RTCP_HEADER_BYTES = 8;

export interface RtcpHeader {
  packetType: number;
  reportCount: number;
  /** The length field: the packet's size in 32-bit words minus one. */
  lengthWords: number;
  senderSsrc: number;
}

/**
 * True when byte 1 is an RTCP packet type. An RTP packet with payload type 72-76 and the marker bit
 * would look the same; the voice path uses payload type 120, so there is no clash.
 */
export function isRtcp(packet: Uint8Array): boolean {
  const type = packet[1] ?? 0;
  return packet.length >= RTCP_HEADER_BYTES && ((packet[0] ?? 0) >> 6) === 2 && type >= RTCP_PACKET_TYPE_FIRST && type <= RTCP_PACKET_TYPE_LAST;
}

/** Parses the clear header of the first packet of a (possibly compound) RTCP datagram, null if it is not RTCP. */
export function parseRtcpHeader(packet: Uint8Array): RtcpHeader | null {
  if (!isRtcp(packet)) return null;
  return {
    packetType: packet[1] ?? 0,
    reportCount: (packet[0] ?? 0) & 0x1f,
    lengthWords: ((packet[2] ?? 0) << 8) | (packet[3] ?? 0),
    senderSsrc: (((packet[4] ?? 0) << 24) | ((packet[5] ?? 0) << 16) | ((packet[6] ?? 0) << 8) | (packet[7] ?? 0)) >>> 0,
  };
}
