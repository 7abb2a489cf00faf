// What the user does with voice, as plain functions (components call these): join / move / leave
// with gateway op 4 on the session's main connection (as Discord's client does), self mute and
// deafen (op 4 again with the flags), and the moderator actions through PATCH member.
import { GatewayOpcode } from '@concord/protocol';
import { getSession, maybeSession } from '../session/currentSession.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { errorText } from '../session/actions.ts';
import { useUiStore } from '../state/uiStore.ts';
import { unlockAudio } from './audioContext.dom.ts';
import { playVoiceSound } from './voiceSounds.dom.ts';
import { useVoiceStore } from './voiceStore.ts';
import { useVideoStore } from '../video/videoStore.ts';

/** `serverId` is a guild, or a DM / group DM channel for its call (sent as guild_id null, as Discord's client does). */
function sendVoiceState(serverId: string, channelId: string | null): boolean {
  const session = maybeSession();
  if (!session) return false;
  const { selfMute, selfDeaf } = useVoiceStore.getState();
  const { camera, screen } = useVideoStore.getState();
  const privateChannel = useGuildStore.getState().channels[serverId];
  const guildId = privateChannel && !privateChannel.guild_id ? null : serverId;
  return session.gateway.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: selfMute, self_deaf: selfDeaf, self_video: channelId !== null && camera !== null, self_stream: channelId !== null && screen !== null });
}

/** Clicking a voice channel: joins it, or moves there when already in voice in this guild. */
export function joinVoiceChannel(guildId: string, channelId: string): void {
  unlockAudio();
  const before = useVoiceStore.getState().connection;
  if (before.status !== 'disconnected' && before.guildId === guildId && before.channelId === channelId) return;
  if (!sendVoiceState(guildId, channelId)) {
    useUiStore.getState().showToast('Not connected: try again in a moment');
    return;
  }
  useVoiceStore.getState().requestJoin(guildId, channelId);
  playVoiceSound('join');
}

/**
 * Back into the channel this tab was in before a reload (voiceRejoin.dom.ts), with the mute and
 * deafen it had. No gesture here: the page may not play sound yet; the voice panel says so.
 */
export function rejoinVoiceChannel(guildId: string, channelId: string, flags: { selfMute: boolean; selfDeaf: boolean }): boolean {
  if (useVoiceStore.getState().connection.status !== 'disconnected') return false;
  useVoiceStore.getState().setSelfFlags(flags);
  if (!sendVoiceState(guildId, channelId)) return false;
  useVoiceStore.getState().requestJoin(guildId, channelId);
  return true;
}

/** "Disconnect": op 4 with no channel. */
export function leaveVoice(): void {
  const conn = useVoiceStore.getState().connection;
  if (conn.status === 'disconnected') return;
  sendVoiceState(conn.guildId, null);
  useVoiceStore.getState().leave();
  playVoiceSound('leave');
}

/** Op 4 again with the current flags (mute, deafen, camera, Go Live) when in voice. */
export function sendFlagsIfInVoice(): void {
  const conn = useVoiceStore.getState().connection;
  if (conn.status !== 'disconnected') sendVoiceState(conn.guildId, conn.channelId);
}

/** Mute in the user panel. Unmuting while deafened undeafens too (Discord does the same). */
export function toggleSelfMute(): void {
  unlockAudio();
  const { selfMute, selfDeaf } = useVoiceStore.getState();
  const next = selfDeaf ? { selfMute: false, selfDeaf: false } : { selfMute: !selfMute, selfDeaf: false };
  useVoiceStore.getState().setSelfFlags(next);
  playVoiceSound(next.selfMute ? 'mute' : 'unmute');
  sendFlagsIfInVoice();
}

/** Deafen in the user panel: deafening also mutes; undeafening restores the mute from before. */
let mutedBeforeDeafen = false;
export function toggleSelfDeafen(): void {
  unlockAudio();
  const { selfMute, selfDeaf } = useVoiceStore.getState();
  if (!selfDeaf) mutedBeforeDeafen = selfMute;
  const next = selfDeaf ? { selfMute: mutedBeforeDeafen, selfDeaf: false } : { selfMute: true, selfDeaf: true };
  useVoiceStore.getState().setSelfFlags(next);
  playVoiceSound(next.selfDeaf ? 'deafen' : 'undeafen');
  sendFlagsIfInVoice();
}

/** A moderator's change to another member's voice (MUTE_MEMBERS / DEAFEN_MEMBERS / MOVE_MEMBERS). */
export async function moderateVoiceMember(guildId: string, userId: string, patch: { mute?: boolean; deaf?: boolean; channel_id?: string | null }): Promise<void> {
  try {
    await getSession().api.modifyMember(guildId, userId, patch);
  } catch (err) {
    useUiStore.getState().showToast(errorText(err));
  }
}
