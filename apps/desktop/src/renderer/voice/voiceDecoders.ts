// Decoders for voice data from the main gateway (VOICE_STATE_UPDATE, READY/GUILD_CREATE
// voice_states, VOICE_SERVER_UPDATE) and for the voice gateway's JSON frames. Each turns `unknown`
// into the renderer's own record or null; the caller drops and counts what is null.
import { VoiceOpcode } from '@concord/protocol';
import type { VoiceVideoLimits } from '@concord/protocol';
import { isId, isNum, isObj, isStr } from '../session/decoders.ts';
import { decodeStreamViewers, decodeVideoLimits, decodeVideoRefused, decodeVideoSink, decodeVideoSources, type StreamViewersFrame, type VideoRefusedFrame, type VideoSinkFrame, type VideoSourcesFrame } from '../video/videoDecoders.ts';

/** One member's voice state as the renderer keeps it (channelId null = the update is a leave). */
export interface VoiceStateUpdate {
  guildId: string | null;
  userId: string;
  channelId: string | null;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  /** Server mute / deafen (a moderator's, via PATCH member). */
  mute: boolean;
  deaf: boolean;
  selfVideo: boolean;
  selfStream: boolean;
  suppress: boolean;
}

const bool = (x: unknown): boolean => x === true;

export function decodeVoiceState(x: unknown): VoiceStateUpdate | null {
  if (!isObj(x) || !isId(x['user_id'])) return null;
  const channelId = x['channel_id'];
  if (channelId !== null && channelId !== undefined && !isId(channelId)) return null;
  const guildId = x['guild_id'];
  if (guildId !== null && guildId !== undefined && !isId(guildId)) return null;
  const sessionId = x['session_id'];
  if (sessionId !== undefined && (!isStr(sessionId) || sessionId.length > 128)) return null;
  return {
    guildId: guildId ?? null,
    userId: x['user_id'],
    channelId: channelId ?? null,
    sessionId: sessionId ?? '',
    selfMute: bool(x['self_mute']),
    selfDeaf: bool(x['self_deaf']),
    mute: bool(x['mute']),
    deaf: bool(x['deaf']),
    selfVideo: bool(x['self_video']),
    selfStream: bool(x['self_stream']),
    suppress: bool(x['suppress']),
  };
}

export interface VoiceServerUpdate {
  guildId: string;
  token: string;
  /** `host:port` of the voice gateway; null while no voice server is available. */
  endpoint: string | null;
}

/** A DM call's update has guild_id null and its channel_id as the voice server id (`guildId` here). */
export function decodeVoiceServerUpdate(x: unknown): VoiceServerUpdate | null {
  if (!isObj(x) || !isStr(x['token']) || x['token'].length === 0 || x['token'].length > 256) return null;
  const serverId = x['guild_id'] ?? x['channel_id'];
  if (!isId(serverId)) return null;
  const endpoint = x['endpoint'];
  if (endpoint !== null && (!isStr(endpoint) || !/^[\w.:[\]-]{1,255}$/.test(endpoint.replace(/^wss?:\/\//, '')))) return null;
  return { guildId: serverId, token: x['token'], endpoint };
}

/** The voice gateway frames the browser engine acts on; anything else decodes to `ignored`. */
export type VoiceServerFrame =
  | { op: typeof VoiceOpcode.Hello; heartbeatIntervalMs: number }
  | { op: typeof VoiceOpcode.Ready; ssrc: number; ip: string; port: number; modes: string[] }
  | { op: typeof VoiceOpcode.SessionDescription; mode: string; sdp: string | null; videoLimits: VoiceVideoLimits }
  | { op: typeof VoiceOpcode.HeartbeatAck }
  | { op: typeof VoiceOpcode.Resumed }
  | { op: typeof VoiceOpcode.Speaking; userId: string; ssrc: number; speaking: number }
  | { op: typeof VoiceOpcode.ClientsConnect; userIds: string[] }
  | { op: typeof VoiceOpcode.ClientDisconnect; userId: string }
  | ({ op: typeof VoiceOpcode.Video } & VideoSourcesFrame)
  | ({ op: typeof VoiceOpcode.VideoSink } & VideoSinkFrame)
  | ({ op: typeof VoiceOpcode.VideoRefused } & VideoRefusedFrame)
  | ({ op: typeof VoiceOpcode.StreamViewers } & StreamViewersFrame)
  | { op: 'ignored'; reason: string };

export interface DecodedVoiceFrame {
  seq: number | null;
  frame: VoiceServerFrame;
}

const ssrcOk = (x: unknown): x is number => isNum(x) && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

/** Parses one text frame; null when it is not JSON or not a frame at all (the socket counts it). */
export function decodeVoiceFrame(text: string): DecodedVoiceFrame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(raw) || !isNum(raw['op'])) return null;
  const seq = isNum(raw['seq']) && Number.isInteger(raw['seq']) ? raw['seq'] : null;
  const d = raw['d'];
  const ignored = (reason: string): DecodedVoiceFrame => ({ seq, frame: { op: 'ignored', reason } });
  switch (raw['op']) {
    case VoiceOpcode.Hello:
      if (!isObj(d) || !isNum(d['heartbeat_interval']) || d['heartbeat_interval'] < 100 || d['heartbeat_interval'] > 120_000) return ignored('bad hello');
      return { seq, frame: { op: VoiceOpcode.Hello, heartbeatIntervalMs: d['heartbeat_interval'] } };
    case VoiceOpcode.Ready:
      if (!isObj(d) || !ssrcOk(d['ssrc']) || !isStr(d['ip']) || !isNum(d['port'])) return ignored('bad ready');
      return { seq, frame: { op: VoiceOpcode.Ready, ssrc: d['ssrc'], ip: d['ip'], port: d['port'], modes: Array.isArray(d['modes']) ? d['modes'].filter(isStr) : [] } };
    case VoiceOpcode.SessionDescription:
      if (!isObj(d) || !isStr(d['mode'])) return ignored('bad session description');
      return { seq, frame: { op: VoiceOpcode.SessionDescription, mode: d['mode'], sdp: isStr(d['sdp']) ? d['sdp'] : null, videoLimits: decodeVideoLimits(d['video_limits']) } };
    case VoiceOpcode.HeartbeatAck:
      return { seq, frame: { op: VoiceOpcode.HeartbeatAck } };
    case VoiceOpcode.Resumed:
      return { seq, frame: { op: VoiceOpcode.Resumed } };
    case VoiceOpcode.Speaking:
      if (!isObj(d) || !isId(d['user_id']) || !ssrcOk(d['ssrc']) || !isNum(d['speaking'])) return ignored('bad speaking');
      return { seq, frame: { op: VoiceOpcode.Speaking, userId: d['user_id'], ssrc: d['ssrc'], speaking: d['speaking'] } };
    case VoiceOpcode.ClientsConnect:
      if (!isObj(d) || !Array.isArray(d['user_ids'])) return ignored('bad clients connect');
      return { seq, frame: { op: VoiceOpcode.ClientsConnect, userIds: d['user_ids'].filter(isId) } };
    case VoiceOpcode.ClientDisconnect:
      if (!isObj(d) || !isId(d['user_id'])) return ignored('bad client disconnect');
      return { seq, frame: { op: VoiceOpcode.ClientDisconnect, userId: d['user_id'] } };
    case VoiceOpcode.Video: {
      const v = decodeVideoSources(d);
      return v ? { seq, frame: { op: VoiceOpcode.Video, ...v } } : ignored('bad video');
    }
    case VoiceOpcode.VideoSink: {
      const v = decodeVideoSink(d);
      return v ? { seq, frame: { op: VoiceOpcode.VideoSink, ...v } } : ignored('bad video sink');
    }
    case VoiceOpcode.VideoRefused: {
      const v = decodeVideoRefused(d);
      return v ? { seq, frame: { op: VoiceOpcode.VideoRefused, ...v } } : ignored('bad video refused');
    }
    case VoiceOpcode.StreamViewers: {
      const v = decodeStreamViewers(d);
      return v ? { seq, frame: { op: VoiceOpcode.StreamViewers, ...v } } : ignored('bad stream viewers');
    }
    default:
      return ignored(`op ${String(raw['op'])}`);
  }
}
