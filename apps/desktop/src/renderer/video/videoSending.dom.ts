// The WebRTC engine's video helpers: each source's simulcast encodings, SSRCs (op 12 names sources
// by them: read from our own offer, or from getStats once a simulcast m-line sends, since its offer
// names rids, not SSRCs), a sender kept within op 4's limit for its source (resolution scale, frame
// rate, bitrate, per layer), and per-slot video stats from getStats() for the debug hooks and the e2e.
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
 * One simulcast layer: its rid, its scale against the source's full size, its share of the source's
 * bitrate limit (the shares add up to the whole: op 4's limit is per source). Full size first: a server that refuses simulcast keeps only the first encoding (RFC 8853),
 * which should then be the whole picture. Camera and screen rids differ: werift (the SFU) looks
 * rids up per connection, not per m-line.
 */
interface SimulcastLayer { rid: string; scale: number; bitrateShare: number }
export const SIMULCAST_LAYERS: Readonly<Record<'video' | 'screen', readonly SimulcastLayer[]>> = {
  video: [{ rid: 'f', scale: 1, bitrateShare: 0.7 }, { rid: 'h', scale: 2, bitrateShare: 0.22 }, { rid: 'q', scale: 4, bitrateShare: 0.08 }],
  screen: [{ rid: 'sf', scale: 1, bitrateShare: 0.75 }, { rid: 'sh', scale: 2, bitrateShare: 0.25 }],
};
/** A layer smaller than this is not sent (a 640x360 camera has no 90-line quarter layer worth decoding). */
const MIN_LAYER_HEIGHT = 120;

/** The encodings a trackless source transceiver is made with (addTransceiver's sendEncodings). */
export function simulcastEncodings(type: 'video' | 'screen'): RTCRtpEncodingParameters[] {
  return SIMULCAST_LAYERS[type].map((l) => ({ rid: l.rid, ...(l.scale > 1 ? { scaleResolutionDownBy: l.scale } : {}) }));
}

/**
 * Keeps what `sender` sends within `limit`: scaled down so neither side exceeds the limit's size,
 * at most its frame rate and bitrate (the SFU cannot decode, so the sender enforces them). With
 * simulcast each layer keeps its own scale below that and a share of the bitrate; a layer that would
 * fall under MIN_LAYER_HEIGHT is turned off. With one encoding (simulcast refused) it is the full one.
 */
export async function applySenderLimit(sender: RTCRtpSender, track: MediaStreamTrack, limit: VoiceVideoSourceLimit, type: 'video' | 'screen' = 'video'): Promise<void> {
  const { width = limit.max_width, height = limit.max_height } = track.getSettings();
  const scale = Math.max(1, width / limit.max_width, height / limit.max_height);
  const params = sender.getParameters();
  const encodings = params.encodings.length > 0 ? params.encodings : [{}];
  const layers = SIMULCAST_LAYERS[type];
  params.encodings = encodings.map((e, i) => {
    // One encoding left (simulcast refused) is the whole picture with the whole bitrate.
    const layer = encodings.length > 1 ? (layers.find((l) => l.rid === e.rid) ?? layers[0]!) : { rid: '', scale: 1, bitrateShare: 1 };
    const active = layer.scale === 1 || height / (scale * layer.scale) >= MIN_LAYER_HEIGHT;
    return { ...e, active: active || i === 0, maxBitrate: Math.round(limit.max_bitrate * layer.bitrateShare), maxFramerate: limit.max_framerate, scaleResolutionDownBy: scale * layer.scale };
  });
  await sender.setParameters(params);
}

/**
 * The SSRC of a simulcast layer of the m-line `mid` that has sent packets (getStats lists every
 * layer, also those the encoder has not started: the SFU ties the other layers to the named one by
 * its first packet), or 0 after `timeoutMs`.
 */
export async function outboundSsrc(pc: RTCPeerConnection, mid: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (pc.connectionState !== 'closed') {
    let ssrc = 0;
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (ssrc === 0 && s['type'] === 'outbound-rtp' && s['kind'] === 'video' && s['mid'] === mid && typeof s['ssrc'] === 'number' && typeof s['packetsSent'] === 'number' && s['packetsSent'] > 0) ssrc = s['ssrc'];
    });
    if (ssrc > 0 || performance.now() > deadline) return ssrc;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 0;
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
