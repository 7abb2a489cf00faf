// The WebRTC engine's video helpers: SSRCs read from our own offer (op 12 names sources by them),
// a sender kept within op 4's limit for its source (resolution scale, frame rate, bitrate), and
// per-slot video stats from getStats() for the debug hooks and the e2e.
import type { VoiceVideoSourceLimit } from '@concord/protocol';

/** Video receive m-lines offered: this many cameras and streams can be watched at once. */
export const VIDEO_RECEIVE_SLOTS = 4;

/** The first a=ssrc of each m-line, by mid (a sendonly m-line's own SSRC). */
export function firstSsrcByMid(sdp: string): Map<string, number> {
  const out = new Map<string, number>();
  let mid: string | null = null;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) mid = null;
    else if (line.startsWith('a=mid:')) mid = line.slice(6).trim();
    else if (line.startsWith('a=ssrc:') && mid !== null && !out.has(mid)) {
      const ssrc = Number(line.slice(7).split(' ')[0]);
      if (Number.isInteger(ssrc) && ssrc > 0 && ssrc <= 0xffffffff) out.set(mid, ssrc);
    }
  }
  return out;
}

/**
 * Keeps what `sender` sends within `limit`: scaled down so neither side exceeds the limit's size,
 * at most its frame rate and bitrate (the SFU cannot decode, so the sender enforces them).
 */
export async function applySenderLimit(sender: RTCRtpSender, track: MediaStreamTrack, limit: VoiceVideoSourceLimit): Promise<void> {
  const { width = limit.max_width, height = limit.max_height } = track.getSettings();
  const scale = Math.max(1, width / limit.max_width, height / limit.max_height);
  const params = sender.getParameters();
  const encodings = params.encodings.length > 0 ? params.encodings : [{}];
  params.encodings = encodings.map((e) => ({ ...e, maxBitrate: limit.max_bitrate, maxFramerate: limit.max_framerate, scaleResolutionDownBy: scale }));
  await sender.setParameters(params);
}

export interface VideoInboundStats { ssrc: number; packetsReceived: number; framesDecoded: number; frameWidth: number; frameHeight: number; freezeCount: number }
export interface VideoOutboundStats { ssrc: number; packetsSent: number; framesEncoded: number; frameWidth: number; frameHeight: number; framesPerSecond: number }

const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

export function videoInboundStats(report: RTCStatsReport): { inbound: Record<string, VideoInboundStats>; outbound: Record<string, VideoOutboundStats> } {
  const inbound: Record<string, VideoInboundStats> = {};
  const outbound: Record<string, VideoOutboundStats> = {};
  report.forEach((s: Record<string, unknown>) => {
    if (s['kind'] !== 'video' || typeof s['mid'] !== 'string') return;
    if (s['type'] === 'inbound-rtp') inbound[s['mid']] = { ssrc: num(s['ssrc']), packetsReceived: num(s['packetsReceived']), framesDecoded: num(s['framesDecoded']), frameWidth: num(s['frameWidth']), frameHeight: num(s['frameHeight']), freezeCount: num(s['freezeCount']) };
    else if (s['type'] === 'outbound-rtp') outbound[s['mid']] = { ssrc: num(s['ssrc']), packetsSent: num(s['packetsSent']), framesEncoded: num(s['framesEncoded']), frameWidth: num(s['frameWidth']), frameHeight: num(s['frameHeight']), framesPerSecond: num(s['framesPerSecond']) };
  });
  return { inbound, outbound };
}
