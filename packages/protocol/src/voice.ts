// The voice wire contract: Discord's voice gateway v8 (JSON in text frames) as @discordjs/voice
// 0.19.x speaks it, the UDP IP-discovery packet, and the encryption modes. Shared by the server's
// voice gateway and SFU, the SDK's voice client, tests and benches.
import { z } from 'zod';
import { snowflakeSchema } from './fieldSchemas.ts';

/** Voice gateway opcodes (Discord's numbering). */
export const VoiceOpcode = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
  ClientsConnect: 11,
  /** Client: its video sources (camera, Go Live) on or off. Server: a room member's video sources. */
  Video: 12,
  ClientDisconnect: 13,
  /** Client: which video streams it watches (keys: the stream SSRCs op 12 announced; Discord's shape). */
  MediaSinkWants: 15,
  /** Concord (server): one of the browser's video receive slots now carries a stream, or no longer. */
  VideoSink: 40,
  /** Concord (server): a video source the client turned on is refused (the STREAM permission). */
  VideoRefused: 41,
  /** Concord (server): who watches a member's Go Live (to the whole room, the streamer too; Discord's STREAM_UPDATE `viewer_ids`). */
  StreamViewers: 42,
} as const;
export type VoiceOpcode = (typeof VoiceOpcode)[keyof typeof VoiceOpcode];

/** Voice gateway close codes (Discord's numbering). */
export const VoiceCloseCode = {
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionNoLongerValid: 4006,
  SessionTimeout: 4009,
  ServerNotFound: 4011,
  UnknownProtocol: 4012,
  /** Kicked, moved away, channel deleted, voice server changed or the main session dropped: do not resume. */
  Disconnected: 4014,
  VoiceServerCrashed: 4015,
  UnknownEncryptionMode: 4016,
  BadRequest: 4020,
  RateLimited: 4021,
} as const;
export type VoiceCloseCode = (typeof VoiceCloseCode)[keyof typeof VoiceCloseCode];

/** The AEAD modes we serve, preferred first (the order READY lists them in). */
export const VOICE_ENCRYPTION_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type VoiceEncryptionMode = (typeof VOICE_ENCRYPTION_MODES)[number];

/** Voice gateway protocol version this server speaks (`?v=8`). */
export const VOICE_GATEWAY_VERSION = 8;
/** RTP payload type for Opus on the UDP path (Discord's). */
export const VOICE_OPUS_PAYLOAD_TYPE = 120;
/** Length of an IP-discovery request and answer. */
export const IP_DISCOVERY_LENGTH = 74;
/**
 * Largest inbound voice gateway text frame: select protocol carries a browser's offer twice (`data`
 * and `sdp`, 64 KiB each at most), and an offer with video m-lines runs to tens of KiB (Chromium lists
 * ~3.5 KB of codecs per video m-line).
 */
export const VOICE_GATEWAY_MAX_INBOUND_BYTES = 136 * 1024;

/** Speaking flags (op 5 `speaking`). */
export const SpeakingFlags = { Microphone: 1 << 0, Soundshare: 1 << 1, Priority: 1 << 2 } as const;

// ---- client -> server frames (validated at the boundary; anything else closes with 4002/4020) ----

export const VoiceIdentifyData = z.object({
  /** Guild id, or the channel id for DM and group DM calls. */
  server_id: snowflakeSchema,
  user_id: snowflakeSchema,
  session_id: z.string().min(1).max(128),
  token: z.string().min(1).max(256),
  video: z.boolean().optional(),
  streams: z.array(z.unknown()).max(8).optional(),
  max_dave_protocol_version: z.number().int().min(0).max(255).optional(),
});
export type VoiceIdentifyData = z.infer<typeof VoiceIdentifyData>;

export const VoiceSelectProtocolData = z.object({
  protocol: z.enum(['udp', 'webrtc']),
  /** udp: where IP discovery saw the client; webrtc: Discord's web client sends the SDP offer as a string. */
  data: z.union([
    z.object({
      address: z.string().min(1).max(64),
      port: z.number().int().min(1).max(65535),
      mode: z.string().min(1).max(64),
    }),
    z.string().max(64 * 1024),
  ]),
  /** webrtc: the offer, as Discord's web client also sends it here. */
  sdp: z.string().max(64 * 1024).optional(),
  codecs: z.array(z.object({ name: z.string().max(32), type: z.string().max(16), priority: z.number(), payload_type: z.number().int().min(0).max(127), rtx_payload_type: z.number().int().nullable().optional() })).max(16).optional(),
  rtc_connection_id: z.string().max(64).optional(),
});
export type VoiceSelectProtocolData = z.infer<typeof VoiceSelectProtocolData>;

/** v8 heartbeat: `{t, seq_ack}`; older clients send a bare nonce. */
export const VoiceHeartbeatData = z.union([
  z.object({ t: z.number(), seq_ack: z.number().int().optional() }),
  z.number(),
]);
export type VoiceHeartbeatData = z.infer<typeof VoiceHeartbeatData>;

export const VoiceSpeakingData = z.object({
  speaking: z.number().int().min(0).max(7),
  delay: z.number().int().min(0).max(10_000).optional(),
  ssrc: z.number().int().min(0).max(0xffffffff),
});
export type VoiceSpeakingData = z.infer<typeof VoiceSpeakingData>;

export const VoiceResumeData = z.object({
  server_id: snowflakeSchema,
  session_id: z.string().min(1).max(128),
  token: z.string().min(1).max(256),
  seq_ack: z.number().int().optional(),
});
export type VoiceResumeData = z.infer<typeof VoiceResumeData>;

/** A video source (Discord's op 12 `streams[]` item): `video` is the camera, `screen` Go Live. */
export const VoiceVideoStream = z.object({
  type: z.enum(['video', 'screen']),
  /** The SSRC the client sends this source with (its offer's a=ssrc line on that m-line). */
  ssrc: z.number().int().min(1).max(0xffffffff),
  active: z.boolean(),
  rid: z.string().max(16).optional(),
  rtx_ssrc: z.number().int().min(0).max(0xffffffff).optional(),
  quality: z.number().int().min(0).max(100).optional(),
  max_bitrate: z.number().int().min(0).max(100_000_000).optional(),
  max_framerate: z.number().int().min(0).max(240).optional(),
  max_resolution: z.object({ type: z.string().max(16), width: z.number().int().min(0).max(8192), height: z.number().int().min(0).max(8192) }).optional(),
});
export type VoiceVideoStream = z.infer<typeof VoiceVideoStream>;

/** Client op 12: the sender's whole video state (a source it leaves out is off). */
export const VoiceVideoData = z.object({
  audio_ssrc: z.number().int().min(0).max(0xffffffff),
  video_ssrc: z.number().int().min(0).max(0xffffffff),
  rtx_ssrc: z.number().int().min(0).max(0xffffffff).optional(),
  streams: z.array(VoiceVideoStream).max(2).optional(),
});
export type VoiceVideoData = z.infer<typeof VoiceVideoData>;

/**
 * Client op 15 (Discord's shape): stream SSRC (as op 12 announced it, decimal) -> wanted quality
 * 0..100; `any` applies to every stream not named. Each op 15 replaces the previous wants; a stream
 * with quality 0 (or not named, without `any`) is not forwarded to this client at all.
 * Concord: `max_height:<ssrc>` (or `max_height` for every stream not named) -> the tallest simulcast
 * layer this client wants of it, in pixels (0: no cap), e.g. 180 for a small grid tile. Servers
 * without simulcast ignore it; older clients never send it.
 */
const MAX_HEIGHT_KEY = /^max_height(:[1-9][0-9]{0,9})?$/;
export const VoiceMediaSinkWantsData = z
  .record(z.union([z.literal('any'), z.string().regex(/^[1-9][0-9]{0,9}$/), z.string().regex(MAX_HEIGHT_KEY)]), z.number().int().min(0).max(8192))
  .refine((r) => Object.keys(r).length <= 64, 'at most 64 entries')
  .refine((r) => Object.entries(r).every(([k, v]) => MAX_HEIGHT_KEY.test(k) || v <= 100), 'quality is 0..100');
export type VoiceMediaSinkWantsData = z.infer<typeof VoiceMediaSinkWantsData>;

/** The envelope of every voice gateway frame (v8 adds `seq` on server frames). */
export const VoiceGatewayFrame = z.object({
  op: z.number().int(),
  d: z.unknown(),
  seq: z.number().int().optional(),
});
export type VoiceGatewayFrame = z.infer<typeof VoiceGatewayFrame>;

// ---- server -> client payloads ----

export interface VoiceHelloData { heartbeat_interval: number; v?: number }
export interface VoiceReadyData {
  ssrc: number;
  ip: string;
  port: number;
  modes: string[];
  /** Legacy field Discord still sends; clients use Hello's. */
  heartbeat_interval?: number;
  streams?: unknown[];
}
export interface VoiceSessionDescriptionData {
  mode: VoiceEncryptionMode;
  /** 32 bytes. */
  secret_key: number[];
  dave_protocol_version: number;
  audio_codec?: string;
  video_codec?: string;
  /** webrtc: the SDP answer. */
  sdp?: string;
  media_session_id?: string;
  /** Concord: the most this connection may send per video source (the server cannot decode: the client applies them). */
  video_limits?: VoiceVideoLimits;
}

/** What a sender is asked to keep each source within (camera 720p30, screen 1080p30 by default). */
export interface VoiceVideoSourceLimit { max_width: number; max_height: number; max_framerate: number; max_bitrate: number }
export interface VoiceVideoLimits { video: VoiceVideoSourceLimit; screen: VoiceVideoSourceLimit }
export const DEFAULT_VOICE_VIDEO_LIMITS: VoiceVideoLimits = {
  video: { max_width: 1280, max_height: 720, max_framerate: 30, max_bitrate: 2_500_000 },
  screen: { max_width: 1920, max_height: 1080, max_framerate: 30, max_bitrate: 4_000_000 },
};

/** Server op 12: a room member's video sources (ssrc: the sender's own, the key op 15 names). */
export interface VoiceVideoDispatch {
  user_id: string;
  audio_ssrc: number;
  video_ssrc: number;
  streams: { type: 'video' | 'screen'; ssrc: number; active: boolean; max_resolution?: { type: string; width: number; height: number }; max_framerate?: number }[];
}
/** Server op 40: browser receive slot `mid` (RTP SSRC `slot_ssrc`) carries `user_id`'s `type` stream (`ssrc`) from now on, or no longer. */
export interface VoiceVideoSinkDispatch { user_id: string; type: 'video' | 'screen'; ssrc: number; mid: string; slot_ssrc: number; active: boolean }
/** Server op 41: why a source the client turned on is not forwarded (50013: no STREAM permission here). */
export interface VoiceVideoRefusedDispatch { type: 'video' | 'screen'; ssrc: number; code: number; message: string }
/**
 * Server op 42: the users now watching `user_id`'s Go Live stream (`ssrc`, as op 12 announced it),
 * the whole list each time (Discord's STREAM_UPDATE `viewer_ids`). Sent to everyone in the room when
 * it changes, and to a joiner for each stream being watched. A schema because clients parse it once.
 */
export const VoiceStreamViewersData = z.object({
  user_id: snowflakeSchema,
  ssrc: z.number().int().min(1).max(0xffffffff),
  viewer_ids: z.array(snowflakeSchema).max(1000),
});
export type VoiceStreamViewersData = z.infer<typeof VoiceStreamViewersData>;
export interface VoiceSpeakingDispatch { user_id: string; ssrc: number; speaking: number }
export interface VoiceClientsConnectData { user_ids: string[] }
export interface VoiceClientDisconnectData { user_id: string }

/** `POST /guilds/:id/voice-states/@me` answer (the design's REST join). */
export interface VoiceJoinAnswer { token: string; endpoint: string; session_id: string }
