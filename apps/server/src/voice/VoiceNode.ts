// The seam between the voice-state domain (gateway op 4, member moderation, AFK) and the voice
// servers that carry media (voice gateway + UDP/WebRTC SFU). The domain decides who is in which
// channel with which rights and hands a VoiceGrant to a node; the node admits exactly the grants it
// holds and applies updates at once (a server mute stops forwarding, a deafen stops receiving).
// In one process the node is called directly; a separate voice process (`npm run voice`) gets the
// same calls over its control link to the main server.

/** What a user may do in a voice channel right now, as computed by the domain. */
export interface VoiceGrant {
  /** Random, single-use per join; the client presents it to the voice gateway in op 0 / op 7. */
  token: string;
  /** Guild id (or the channel id for DM calls): the voice gateway's `server_id`. */
  serverId: string;
  channelId: string;
  userId: string;
  /** The main gateway session that owns this voice state. */
  sessionId: string;
  /** Server mute / deafen (MUTE_MEMBERS, DEAFEN_MEMBERS) and the user's own. */
  mute: boolean;
  deaf: boolean;
  selfMute: boolean;
  selfDeaf: boolean;
  /** SPEAK in this channel (false also while suppressed). */
  canSpeak: boolean;
  /** USE_VAD: without it only push-to-talk may send (the node lets a client send, but speaking
   * flags without push-to-talk semantics are the client's to honour; the node enforces canSpeak/mute). */
  useVad: boolean;
  prioritySpeaker: boolean;
  /** STREAM ("Video") in this channel: camera and Go Live (false in the AFK channel). */
  canStream: boolean;
}

export type VoiceGrantPatch = Partial<Omit<VoiceGrant, 'token' | 'serverId' | 'userId' | 'sessionId'>>;

/** Why a node dropped a connection (reported back to the domain). */
export type VoiceNodeEvent =
  | { type: 'connected'; serverId: string; userId: string; sessionId: string }
  | { type: 'disconnected'; serverId: string; userId: string; sessionId: string }
  /** The user sent audio (at most one such event per user every 10 s): resets the AFK timer. */
  | { type: 'activity'; serverId: string; userId: string };

export interface VoiceNode {
  readonly id: string;
  /** `host:port` of the node's TLS voice gateway, as VOICE_SERVER_UPDATE carries it. */
  readonly endpoint: string;
  /** Connected voice clients (for least-loaded selection). */
  load(): number;
  /** Admit this grant (replacing any earlier grant for serverId+userId; a connected client moves
   * to grant.channelId in place without reconnecting). */
  grant(grant: VoiceGrant): void;
  /** Change a connected or pending grant in place. No-op if unknown. */
  update(serverId: string, userId: string, patch: VoiceGrantPatch): void;
  /** Drop the grant; a connected client is closed with 4014 (Disconnected). */
  revoke(serverId: string, userId: string): void;
  /** Node -> domain notifications. */
  onEvent(listener: (event: VoiceNodeEvent) => void): void;
  close(): Promise<void>;
}
