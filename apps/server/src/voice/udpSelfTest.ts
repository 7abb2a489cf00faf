// The start-up check that tells the admin whether voice UDP is reachable: an IP discovery sent from
// an ephemeral socket to the announced VOICE_PUBLIC_IP and UDP port, for an SSRC registered just for
// the check, must come back. Reaching the public address from inside a NAT needs hairpinning, so a
// failure there is reported as "could not confirm", with what to check.
import { IP_DISCOVERY_ANSWER, IP_DISCOVERY_REQUEST, decodeIpDiscovery, encodeIpDiscovery } from '@concord/media';
import dgram from 'node:dgram';
import net from 'node:net';
import type { VoiceMedia } from './LocalVoiceNode.ts';

export type UdpSelfTestResult = { reachable: true; rttMs: number; seenAs: string } | { reachable: false; reason: string };

export async function udpSelfTest(media: VoiceMedia, timeoutMs = 1500): Promise<UdpSelfTestResult> {
  const probe = media.add({ userId: 'udp-self-test', roomId: 'udp-self-test' });
  const socket = dgram.createSocket(net.isIPv6(media.publicIp) ? 'udp6' : 'udp4');
  try {
    return await new Promise<UdpSelfTestResult>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => resolve({ reachable: false, reason: `no IP discovery answer within ${String(timeoutMs)} ms` }), timeoutMs);
      socket.on('message', (msg) => {
        const answer = decodeIpDiscovery(msg);
        if (answer?.type !== IP_DISCOVERY_ANSWER || answer.ssrc !== probe.ssrc) return;
        clearTimeout(timer);
        resolve({ reachable: true, rttMs: performance.now() - started, seenAs: `${answer.address}:${String(answer.port)}` });
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        resolve({ reachable: false, reason: err.message });
      });
      socket.send(encodeIpDiscovery({ type: IP_DISCOVERY_REQUEST, ssrc: probe.ssrc, address: '', port: 0 }), media.port, media.publicIp);
    });
  } finally {
    media.remove(probe.ssrc);
    socket.close();
  }
}

/** The log line for a result. */
export function describeUdpSelfTest(result: UdpSelfTestResult, media: VoiceMedia): string {
  const target = `${media.publicIp}:${String(media.port)}/udp`;
  if (result.reachable) return `Voice UDP reachable at ${target} (answered in ${result.rttMs.toFixed(1)} ms, seen as ${result.seenAs})`;
  return `Voice UDP at ${target} did not answer (${result.reason}). Clients elsewhere will connect to the voice gateway but hear nothing: set VOICE_PUBLIC_IP to this machine's public IPv4 address and forward UDP port ${String(media.port)} (VOICE_UDP_PORT) to it. Behind NAT without hairpinning this check cannot confirm reachability from inside.`;
}
