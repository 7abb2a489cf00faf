// Decoders for the voice gateway's video frames (op 12 a member's sources, op 40 a receive slot's
// stream, op 41 a source refused, op 42 who watches a stream) and op 4's video_limits. Each turns `unknown` into the
// renderer's record or null; the voice frame decoder turns null into an `ignored` frame.
import { DEFAULT_VOICE_VIDEO_LIMITS, VoiceStreamViewersData, type VoiceVideoLimits, type VoiceVideoSourceLimit } from '@concord/protocol';
import { isId, isNum, isObj, isStr } from '../session/decoders.ts';

export type VideoSourceType = 'video' | 'screen';

export interface VideoSourcesFrame { userId: string; streams: { type: VideoSourceType; ssrc: number; active: boolean }[] }
export interface VideoSinkFrame { userId: string; type: VideoSourceType; ssrc: number; mid: string; slotSsrc: number; active: boolean }
export interface VideoRefusedFrame { type: VideoSourceType; ssrc: number; code: number; message: string }
export interface StreamViewersFrame { userId: string; ssrc: number; viewerIds: string[] }

const ssrcOk = (x: unknown): x is number => isNum(x) && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
const typeOk = (x: unknown): x is VideoSourceType => x === 'video' || x === 'screen';

export function decodeVideoSources(d: unknown): VideoSourcesFrame | null {
  if (!isObj(d) || !isId(d['user_id']) || !Array.isArray(d['streams']) || d['streams'].length > 8) return null;
  const streams: VideoSourcesFrame['streams'] = [];
  for (const s of d['streams']) {
    if (!isObj(s) || !typeOk(s['type']) || !ssrcOk(s['ssrc'])) return null;
    streams.push({ type: s['type'], ssrc: s['ssrc'], active: s['active'] === true });
  }
  return { userId: d['user_id'], streams };
}

export function decodeVideoSink(d: unknown): VideoSinkFrame | null {
  if (!isObj(d) || !isId(d['user_id']) || !typeOk(d['type']) || !ssrcOk(d['ssrc']) || !ssrcOk(d['slot_ssrc'])) return null;
  const mid = d['mid'];
  if (!isStr(mid) || mid.length === 0 || mid.length > 16) return null;
  return { userId: d['user_id'], type: d['type'], ssrc: d['ssrc'], mid, slotSsrc: d['slot_ssrc'], active: d['active'] === true };
}

export function decodeVideoRefused(d: unknown): VideoRefusedFrame | null {
  if (!isObj(d) || !typeOk(d['type']) || !ssrcOk(d['ssrc']) || !isNum(d['code'])) return null;
  const message = isStr(d['message']) ? d['message'].slice(0, 200) : '';
  return { type: d['type'], ssrc: d['ssrc'], code: d['code'], message };
}

/** Op 42, through the protocol's schema (the one place its shape is written down). */
export function decodeStreamViewers(d: unknown): StreamViewersFrame | null {
  const parsed = VoiceStreamViewersData.safeParse(d);
  if (!parsed.success) return null;
  return { userId: parsed.data.user_id, ssrc: parsed.data.ssrc, viewerIds: [...new Set(parsed.data.viewer_ids)] };
}

function decodeLimit(x: unknown, fallback: VoiceVideoSourceLimit): VoiceVideoSourceLimit {
  if (!isObj(x)) return fallback;
  const n = (v: unknown, max: number, dflt: number) => (isNum(v) && v > 0 && v <= max ? Math.floor(v) : dflt);
  return {
    max_width: n(x['max_width'], 8192, fallback.max_width),
    max_height: n(x['max_height'], 8192, fallback.max_height),
    max_framerate: n(x['max_framerate'], 240, fallback.max_framerate),
    max_bitrate: n(x['max_bitrate'], 100_000_000, fallback.max_bitrate),
  };
}

/** Op 4's `video_limits`; a server that sends none gets the protocol's defaults (720p30 camera, 1080p30 screen). */
export function decodeVideoLimits(x: unknown): VoiceVideoLimits {
  if (!isObj(x)) return DEFAULT_VOICE_VIDEO_LIMITS;
  return { video: decodeLimit(x['video'], DEFAULT_VOICE_VIDEO_LIMITS.video), screen: decodeLimit(x['screen'], DEFAULT_VOICE_VIDEO_LIMITS.screen) };
}
