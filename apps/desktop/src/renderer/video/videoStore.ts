// The video store (zustand): who in our voice room has which video source on (op 12), which of our
// receive slots shows whose stream (op 40, with the slot's MediaStream), our own camera and Go Live
// captures, the limits op 4 gave, a refusal (op 41), which streams we watch, and the stage's focus.
// The captures' tracks are owned here: stopAll() stops them (leaving voice ends them).
import { DEFAULT_VOICE_VIDEO_LIMITS, type VoiceVideoLimits } from '@concord/protocol';
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';
import type { VideoRefusedFrame, VideoSourceType } from './videoDecoders.ts';

/** A remote member's active sources: type -> the SSRC op 12 announced (the key op 15 names). */
export type RemoteSources = Readonly<Partial<Record<VideoSourceType, number>>>;

export interface VideoSink {
  mid: string;
  userId: string;
  type: VideoSourceType;
  ssrc: number;
  stream: MediaStream;
}

/** Resolution and frame rate asked of our own Go Live (kept within op 4's screen limit). */
export interface StreamQuality { height: number; frameRate: number }
export const STREAM_QUALITIES: readonly StreamQuality[] = [
  { height: 480, frameRate: 15 },
  { height: 720, frameRate: 30 },
  { height: 1080, frameRate: 30 },
];
export const DEFAULT_STREAM_QUALITY: StreamQuality = { height: 720, frameRate: 30 };

/** A tile on the stage: `${userId}:${type}`. */
export type TileKey = `${string}:${VideoSourceType}`;
export const tileKey = (userId: string, type: VideoSourceType): TileKey => `${userId}:${type}`;

export interface VideoStore {
  sources: Readonly<Record<string, RemoteSources>>;
  sinks: Readonly<Record<string, VideoSink>>;
  camera: MediaStream | null;
  screen: MediaStream | null;
  /** Asked and not yet answered (the permission prompt, the screen picker). */
  starting: VideoSourceType | null;
  limits: VoiceVideoLimits;
  refused: VideoRefusedFrame | null;
  /** userId -> we watch their Go Live. */
  watching: Readonly<Record<string, true>>;
  focused: TileKey | null;
  streamQuality: StreamQuality;
  /** Streamer user id -> who watches their Go Live now (op 42), for the stream announced with `ssrc`. */
  streamViewers: Readonly<Record<string, { ssrc: number; viewerIds: readonly string[] }>>;
  setSources(userId: string, sources: RemoteSources): void;
  setSink(sink: VideoSink | null, mid: string): void;
  setCapture(type: VideoSourceType, stream: MediaStream | null): void;
  setStarting(type: VideoSourceType | null): void;
  setLimits(limits: VoiceVideoLimits): void;
  setRefused(refused: VideoRefusedFrame | null): void;
  watch(userId: string, on: boolean): void;
  focus(key: TileKey | null): void;
  setStreamQuality(q: StreamQuality): void;
  setStreamViewers(userId: string, ssrc: number, viewerIds: readonly string[]): void;
  /** Left voice: stop our captures and forget the room. */
  stopAll(): void;
}

const stopStream = (s: MediaStream | null) => s?.getTracks().forEach((t) => t.stop());

export const useVideoStore = create<VideoStore>()((set, get) => ({
  sources: {},
  sinks: {},
  camera: null,
  screen: null,
  starting: null,
  limits: DEFAULT_VOICE_VIDEO_LIMITS,
  refused: null,
  watching: {},
  focused: null,
  streamQuality: DEFAULT_STREAM_QUALITY,
  streamViewers: {},
  setSources: (userId, sources) =>
    set((s) => {
      const empty = sources.video === undefined && sources.screen === undefined;
      const next = empty ? withoutKey(s.sources, userId) : { ...s.sources, [userId]: sources };
      // A stream that ended is no longer watched (Discord drops you back to the grid).
      const watching = sources.screen === undefined && s.watching[userId] ? withoutKey(s.watching, userId) : s.watching;
      const focusedGone = s.focused !== null && s.focused.startsWith(`${userId}:`) && (sources as Partial<Record<string, number>>)[s.focused.slice(userId.length + 1)] === undefined;
      // A list belongs to one stream: it goes when that stream does (a new one starts empty).
      const viewersGone = s.streamViewers[userId] !== undefined && s.streamViewers[userId].ssrc !== sources.screen;
      return { sources: next, watching, focused: focusedGone ? null : s.focused, streamViewers: viewersGone ? withoutKey(s.streamViewers, userId) : s.streamViewers };
    }),
  setSink: (sink, mid) => set((s) => ({ sinks: sink ? { ...s.sinks, [mid]: sink } : withoutKey(s.sinks, mid) })),
  setCapture: (type, stream) =>
    set((s) => {
      const before = type === 'video' ? s.camera : s.screen;
      if (before !== stream) stopStream(before);
      const refused = s.refused?.type === type ? null : s.refused;
      if (type === 'video') return { camera: stream, refused };
      // Our Go Live ended: its list (the one entry for a user without a remote stream) goes with it.
      const streamViewers = stream === null ? Object.fromEntries(Object.entries(s.streamViewers).filter(([userId]) => s.sources[userId]?.screen !== undefined)) : s.streamViewers;
      return { screen: stream, refused, streamViewers };
    }),
  setStarting: (starting) => set({ starting }),
  setLimits: (limits) => set({ limits }),
  setRefused: (refused) => set({ refused }),
  watch: (userId, on) => set((s) => ({ watching: on ? { ...s.watching, [userId]: true } : withoutKey(s.watching, userId), focused: on ? tileKey(userId, 'screen') : s.focused === tileKey(userId, 'screen') ? null : s.focused })),
  focus: (focused) => set({ focused }),
  setStreamQuality: (streamQuality) => set({ streamQuality }),
  setStreamViewers: (userId, ssrc, viewerIds) => set((s) => ({ streamViewers: viewerIds.length === 0 ? withoutKey(s.streamViewers, userId) : { ...s.streamViewers, [userId]: { ssrc, viewerIds } } })),
  stopAll: () => {
    const { camera, screen } = get();
    stopStream(camera);
    stopStream(screen);
    set({ sources: {}, sinks: {}, camera: null, screen: null, starting: null, refused: null, watching: {}, focused: null, streamViewers: {} });
  },
}));

/**
 * Op 15's wants for this room (Discord's shape: stream SSRC -> quality 0..100): every camera, and
 * the Go Live streams we watch; everything else is not forwarded to us at all.
 */
export function videoWants(sources: Readonly<Record<string, RemoteSources>>, watching: Readonly<Record<string, true>>): Record<string, number> {
  const wants: Record<string, number> = {};
  for (const [userId, s] of Object.entries(sources)) {
    if (s.video !== undefined) wants[String(s.video)] = 100;
    if (s.screen !== undefined && watching[userId]) wants[String(s.screen)] = 100;
  }
  return wants;
}
