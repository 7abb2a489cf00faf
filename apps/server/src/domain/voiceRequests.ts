// What callers hand VoiceStateService and what it answers (gateway op 4, REST, member patches), and
// the port of voice outside guilds (DM and group DM calls, CallService).
import type { UserRecord } from '../store/records.ts';
import type { VoiceNode, VoiceNodeEvent } from '../voice/VoiceNode.ts';
import type { VoiceJoinRefusal } from './voicePermissions.ts';

/** An op 4 (or REST) request, parsed. */
export interface VoiceStateRequest {
  guildId: string;
  channelId: string | null;
  selfMute: boolean;
  selfDeaf: boolean;
  selfVideo?: boolean | undefined;
  selfStream?: boolean | undefined;
}

/** What an op 4 did. A refusal changes nothing and closes nothing (Discord ignores such an op 4). */
export type VoiceUpdateOutcome =
  | { status: 'joined' | 'moved' | 'updated' | 'left' | 'unchanged' }
  | { status: 'refused'; reason: VoiceJoinRefusal | 'unknown_guild' | 'not_recipient' | 'blocked' | 'private_call' };

/** An op 4 with guild_id null: a DM or group DM call (or null: leave it). */
export type PrivateVoiceRequest = Omit<VoiceStateRequest, 'guildId'>;

/**
 * Voice outside guilds (DM and group DM calls: CallService). Guild voice and calls share the nodes
 * and the one-channel-at-a-time rule, so this service forwards what it does not own.
 */
export interface PrivateVoice {
  updateFromGateway(user: UserRecord, sessionId: string, req: PrivateVoiceRequest): VoiceUpdateOutcome;
  sessionEnded(userId: string, sessionId: string): void;
  /** The user joined guild voice: leave any call. */
  leaveUser(userId: string): void;
  /** Whether a node's server id is one of its calls. */
  ownsServer(serverId: string): boolean;
  nodeAdded(): void;
  nodeLost(nodeId: string): void;
  nodeEvent(node: VoiceNode, event: VoiceNodeEvent): void;
}

/** The voice fields of PATCH /guilds/:id/members/:id. */
export interface MemberVoicePatch {
  mute?: boolean | null | undefined;
  deaf?: boolean | null | undefined;
  channel_id?: string | null | undefined;
}
