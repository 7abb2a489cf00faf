// The voice store's pure parts: who is in which voice channel (per guild, from READY /
// GUILD_CREATE voice_states and VOICE_STATE_UPDATE) and this client's own connection lifecycle
// (op 4 sent -> VOICE_SERVER_UPDATE -> the engine connects -> connected; moved; left). The store
// (voiceStore.ts) only calls these, so they are tested without zustand or a browser.
import { withoutKey } from '../state/records.ts';
import type { VoiceServerUpdate, VoiceStateUpdate } from './voiceDecoders.ts';

export interface VoiceMember {
  userId: string;
  channelId: string;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  mute: boolean;
  deaf: boolean;
  selfVideo: boolean;
  selfStream: boolean;
  /** When the member entered this channel (a counter, for Discord's join order). */
  joinOrder: number;
}

/** guildId -> userId -> state; only users connected to a voice channel are present. */
export type VoiceStates = Readonly<Record<string, Readonly<Record<string, VoiceMember>>>>;

let joinCounter = 0;

export function applyVoiceStateUpdate(states: VoiceStates, guildId: string, update: VoiceStateUpdate): VoiceStates {
  const current = states[guildId] ?? {};
  const previous = current[update.userId];
  if (update.channelId === null) {
    if (!(update.userId in current)) return states;
    return { ...states, [guildId]: withoutKey(current, update.userId) };
  }
  const member: VoiceMember = {
    userId: update.userId,
    channelId: update.channelId,
    sessionId: update.sessionId,
    selfMute: update.selfMute,
    selfDeaf: update.selfDeaf,
    mute: update.mute,
    deaf: update.deaf,
    selfVideo: update.selfVideo,
    selfStream: update.selfStream,
    // A move puts the member last in the new channel (Discord lists by join order).
    joinOrder: previous && previous.channelId === update.channelId ? previous.joinOrder : ++joinCounter,
  };
  if (previous && sameMember(previous, member)) return states;
  return { ...states, [guildId]: { ...current, [update.userId]: member } };
}

/** READY / GUILD_CREATE: the guild's whole list replaces what we had for it. */
export function replaceGuildVoiceStates(states: VoiceStates, guildId: string, updates: readonly VoiceStateUpdate[]): VoiceStates {
  let next: VoiceStates = { ...states, [guildId]: {} };
  for (const u of updates) next = applyVoiceStateUpdate(next, guildId, u);
  return next;
}

export function removeGuildVoiceStates(states: VoiceStates, guildId: string): VoiceStates {
  return guildId in states ? withoutKey(states, guildId) : states;
}

/** Members of one voice channel in join order. */
export function membersInChannel(states: VoiceStates, guildId: string, channelId: string): VoiceMember[] {
  return Object.values(states[guildId] ?? {})
    .filter((m) => m.channelId === channelId)
    .sort((a, b) => a.joinOrder - b.joinOrder);
}

function sameMember(a: VoiceMember, b: VoiceMember): boolean {
  return (
    a.channelId === b.channelId &&
    a.sessionId === b.sessionId &&
    a.selfMute === b.selfMute &&
    a.selfDeaf === b.selfDeaf &&
    a.mute === b.mute &&
    a.deaf === b.deaf &&
    a.selfVideo === b.selfVideo &&
    a.selfStream === b.selfStream
  );
}

/** Where this client's own voice connection is. */
export type VoiceConnection =
  | { status: 'disconnected' }
  /** op 4 sent; waiting for our VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE. */
  | { status: 'joining'; guildId: string; channelId: string; sessionSeen: boolean; server: { token: string; endpoint: string } | null }
  /** Both arrived: the engine dials `endpoint` (again after a VOICE_SERVER_UPDATE re-grant). */
  | { status: 'connecting'; guildId: string; channelId: string; token: string; endpoint: string; attempt: number }
  | { status: 'connected'; guildId: string; channelId: string; token: string; endpoint: string; pingMs: number | null };

export const DISCONNECTED: VoiceConnection = { status: 'disconnected' };

/** The user clicked a voice channel: a join, or a move when already in one of the same guild. */
export function requestJoin(conn: VoiceConnection, guildId: string, channelId: string): VoiceConnection {
  if (conn.status !== 'disconnected' && conn.guildId === guildId) {
    // Same guild: the server moves us and the voice connection stays (same node, same grant).
    return conn.channelId === channelId ? conn : { ...conn, channelId };
  }
  return { status: 'joining', guildId, channelId, sessionSeen: false, server: null };
}

/**
 * Our own VOICE_STATE_UPDATE (any session of our user). Another session of ours taking voice
 * ends this one's connection, as in Discord; a null channel is a leave (or a kick by a moderator);
 * a new channel is a move (ours or a moderator's).
 */
export function onOwnVoiceState(conn: VoiceConnection, update: VoiceStateUpdate, ownSessionId: string | null): VoiceConnection {
  if (conn.status === 'disconnected') return conn;
  // Another guild's state: the leave that follows our own switch to this guild's voice.
  if (update.guildId !== null && update.guildId !== conn.guildId) return conn;
  if (ownSessionId !== null && update.sessionId !== '' && update.sessionId !== ownSessionId) return update.channelId === null ? conn : DISCONNECTED;
  if (update.channelId === null) return DISCONNECTED;
  const moved = update.channelId !== conn.channelId ? { ...conn, channelId: update.channelId } : conn;
  if (moved.status === 'joining' && !moved.sessionSeen) return promoteJoining({ ...moved, sessionSeen: true });
  return moved;
}

export function onVoiceServerUpdate(conn: VoiceConnection, update: VoiceServerUpdate): VoiceConnection {
  if (conn.status === 'disconnected' || conn.guildId !== update.guildId) return conn;
  if (update.endpoint === null) {
    // No node right now: wait for the next VOICE_SERVER_UPDATE (the registry re-grants).
    return conn.status === 'joining' ? { ...conn, server: null } : { status: 'joining', guildId: conn.guildId, channelId: conn.channelId, sessionSeen: true, server: null };
  }
  const server = { token: update.token, endpoint: update.endpoint };
  if (conn.status === 'joining') return promoteJoining({ ...conn, server });
  return { status: 'connecting', guildId: conn.guildId, channelId: conn.channelId, token: server.token, endpoint: server.endpoint, attempt: 0 };
}

function promoteJoining(conn: Extract<VoiceConnection, { status: 'joining' }>): VoiceConnection {
  if (!conn.sessionSeen || !conn.server) return conn;
  return { status: 'connecting', guildId: conn.guildId, channelId: conn.channelId, token: conn.server.token, endpoint: conn.server.endpoint, attempt: 0 };
}

/** The engine finished its handshake (voice gateway READY + media connected). */
export function onEngineConnected(conn: VoiceConnection, token: string): VoiceConnection {
  if (conn.status !== 'connecting' || conn.token !== token) return conn;
  return { status: 'connected', guildId: conn.guildId, channelId: conn.channelId, token: conn.token, endpoint: conn.endpoint, pingMs: null };
}

/** The engine lost its connection but the voice state still stands: dial again. */
export function onEngineLost(conn: VoiceConnection, token: string): VoiceConnection {
  if ((conn.status !== 'connecting' && conn.status !== 'connected') || conn.token !== token) return conn;
  const attempt = conn.status === 'connecting' ? conn.attempt + 1 : 0;
  return { status: 'connecting', guildId: conn.guildId, channelId: conn.channelId, token: conn.token, endpoint: conn.endpoint, attempt };
}

export function onPing(conn: VoiceConnection, pingMs: number): VoiceConnection {
  return conn.status === 'connected' ? { ...conn, pingMs } : conn;
}
