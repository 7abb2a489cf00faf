// Where browsers reach the SFU over WebRTC: host candidates only (no STUN/TURN on the server side),
// on VOICE_PUBLIC_IP (set it behind a 1:1 NAT and forward the port range), the machine's LAN
// addresses and 127.0.0.1 (werift leaves loopback out unless told), in VOICE_UDP_PORT+1 ..
// VOICE_UDP_PORT_MAX (VOICE_UDP_PORT itself is the UDP SFU's). With a specific bind address the
// answer advertises only that address and the public one.
import { isIPv4 } from 'node:net';

export interface WebRtcIceOptions {
  /** Extra host-candidate addresses werift gathers on besides its interface addresses. */
  hostAddresses: string[];
  /** werift's port range (min < max), or undefined for any free port. */
  portRange?: [number, number];
  /** The IPv4 address werift's sockets bind to; undefined: all interfaces. */
  bindAddress?: string;
  /** The only candidate addresses the answer keeps; null keeps all. */
  advertise: ReadonlySet<string> | null;
}

export interface VoiceNetworkConfig {
  /** VOICE_HOST (or HOST): what the voice sockets bind to. */
  host: string;
  /** VOICE_PUBLIC_IP. */
  publicIp: string;
  /** VOICE_UDP_PORT (0: any) and VOICE_UDP_PORT_MAX. */
  udpPort: number;
  udpPortMax: number | null;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export function iceOptionsFor(c: VoiceNetworkConfig): WebRtcIceOptions {
  const specific = isIPv4(c.host) && !WILDCARDS.has(c.host);
  const hostAddresses = [...new Set([c.publicIp, '127.0.0.1', ...(specific ? [c.host] : [])])];
  // Two ports at least: werift wants min < max, and each browser takes one socket per address.
  const portRange: [number, number] | undefined = c.udpPort > 0 && c.udpPortMax !== null && c.udpPortMax >= c.udpPort + 2 ? [c.udpPort + 1, c.udpPortMax] : undefined;
  return {
    hostAddresses,
    ...(portRange ? { portRange } : {}),
    ...(specific ? { bindAddress: c.host } : {}),
    advertise: specific ? new Set([c.host, c.publicIp]) : null,
  };
}

/** The SDP with only the a=candidate lines whose address is in `advertise` (all when null). */
export function keepCandidates(sdp: string, advertise: ReadonlySet<string> | null): string {
  if (advertise === null) return sdp;
  const lines = sdp.split('\r\n').filter((line) => {
    if (!line.startsWith('a=candidate:')) return true;
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    const address = line.split(' ')[4];
    return address !== undefined && advertise.has(address);
  });
  return lines.join('\r\n');
}
