// A voice state: who is in which voice channel of a guild, from which session, with which flags.
// Ephemeral (never stored): it lives in GuildState.voiceStates, which VoiceStateService alone writes;
// READY/GUILD_CREATE read it through gatewayGuildFor. Server mute/deafen live on the member record
// (they persist across joins, as on Discord), so the wire shape joins the two.
import type { APIGuildMember, VoiceStateDispatchData } from '@concord/protocol';
import type { VoiceGrant } from '../voice/VoiceNode.ts';
import type { MemberRecord } from '../store/records.ts';

export interface VoiceStateRecord {
  readonly guildId: string;
  channelId: string;
  readonly userId: string;
  /** The gateway session that owns the state, or a fresh id for a REST join. */
  sessionId: string;
  /** A REST join has no gateway session: it ends when its voice connection does. */
  owner: 'gateway' | 'rest';
  selfMute: boolean;
  selfDeaf: boolean;
  selfVideo: boolean;
  selfStream: boolean;
  suppress: boolean;
  /** The grant the node holds (null while no node is available: "reallocating"). */
  grant: VoiceGrant;
  nodeId: string | null;
  /** Whether the client's voice connection is up (the node's connected/disconnected events). */
  connected: boolean;
  joinedAtMs: number;
  /** Last join, move or `activity` event from the node: the AFK timer counts from here. */
  lastActivityMs: number;
  /**
   * The server process whose session owns the state (ClusterNodes' name; 'local' in one process):
   * it runs the state's AFK sweep, access reconciling and node events, and when it dies the state goes.
   */
  home: string;
}

/** Discord's voice state object; `guild_id` and `member` only in guild-scoped events (not inside GUILD_CREATE). */
export function voiceStateToAPI(
  r: VoiceStateRecord,
  member: MemberRecord | undefined,
  extras: { guildId?: string; member?: APIGuildMember; /** null for a leave */ channelId?: string | null } = {},
): VoiceStateDispatchData {
  const out: VoiceStateDispatchData = {
    channel_id: extras.channelId === undefined ? r.channelId : extras.channelId,
    user_id: r.userId,
    session_id: r.sessionId,
    deaf: member?.deaf ?? false,
    mute: member?.mute ?? false,
    self_deaf: r.selfDeaf,
    self_mute: r.selfMute,
    self_stream: r.selfStream,
    self_video: r.selfVideo,
    suppress: r.suppress,
    request_to_speak_timestamp: null,
  };
  if (extras.guildId !== undefined) out.guild_id = extras.guildId;
  if (extras.member !== undefined) out.member = extras.member;
  return out;
}
