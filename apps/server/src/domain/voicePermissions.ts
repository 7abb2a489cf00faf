// The voice rules as pure functions of the guild state: who may join which channel (VIEW_CHANNEL +
// CONNECT, the user limit that MOVE_MEMBERS bypasses) and what a member's grant allows there
// (SPEAK, USE_VAD, PRIORITY_SPEAKER, STREAM for camera and Go Live, server mute). Recomputed on every join, move and access change.
import { ChannelType, PermissionFlags, hasPermission } from '@concord/protocol';
import type { ChannelRecord } from '../store/records.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';

/** Why a join or move into a channel is refused; null when allowed. */
export type VoiceJoinRefusal = 'unknown_channel' | 'not_voice' | 'missing_connect' | 'channel_full';

export function isVoiceChannel(c: ChannelRecord): boolean {
  return c.type === ChannelType.GUILD_VOICE;
}

/** Whether `userId` may enter `channel` (`occupants` = others already in it). */
export function voiceJoinRefusal(g: GuildState, channel: ChannelRecord | undefined, userId: string, occupants: number): VoiceJoinRefusal | null {
  if (!channel || channel.guild_id !== g.id) return 'unknown_channel';
  if (!isVoiceChannel(channel)) return 'not_voice';
  const p = g.channelPermissions(channel, userId);
  if (!hasPermission(p, PermissionFlags.VIEW_CHANNEL | PermissionFlags.CONNECT)) return 'missing_connect';
  const limit = channel.user_limit ?? 0;
  if (limit > 0 && occupants >= limit && !hasPermission(p, PermissionFlags.MOVE_MEMBERS)) return 'channel_full';
  return null;
}

/** The Discord error a REST join answers a refusal with (op 4 ignores refusals instead). */
export function voiceJoinRefusalError(g: GuildState, channel: ChannelRecord | undefined, userId: string, refusal: VoiceJoinRefusal): DomainError {
  switch (refusal) {
    case 'unknown_channel':
      return new DomainError('UnknownChannel');
    case 'not_voice':
      return DomainError.fieldError('channel_id', 'CHANNEL_TYPE_INVALID', 'The channel is not a voice channel');
    case 'missing_connect':
      return channel && hasPermission(g.channelPermissions(channel, userId), PermissionFlags.VIEW_CHANNEL) ? new DomainError('MissingPermissions') : new DomainError('MissingAccess');
    case 'channel_full':
      return new DomainError('MissingPermissions', 'The voice channel is full');
  }
}

export interface VoiceGrantFlags {
  canSpeak: boolean;
  useVad: boolean;
  prioritySpeaker: boolean;
  canStream: boolean;
}

/** What the member may do in the channel: nobody speaks in the AFK channel, a server mute or suppression silences. */
export function voiceGrantFlags(g: GuildState, channel: ChannelRecord, userId: string, serverMuted: boolean, suppressed: boolean): VoiceGrantFlags {
  const p = g.channelPermissions(channel, userId);
  const inAfk = g.guild.afk_channel_id === channel.id;
  return {
    canSpeak: hasPermission(p, PermissionFlags.SPEAK) && !serverMuted && !suppressed && !inAfk,
    useVad: hasPermission(p, PermissionFlags.USE_VAD),
    prioritySpeaker: hasPermission(p, PermissionFlags.PRIORITY_SPEAKER),
    // Discord's "Video": camera and Go Live; nobody streams in the AFK channel.
    canStream: hasPermission(p, PermissionFlags.STREAM) && !inAfk,
  };
}
