// Alt+Up / Alt+Down: move to the previous or next text channel in sidebar order (DMs at Home).
import { ChannelType, PermissionFlags, type APIChannel } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { HOME, useUiStore } from '../state/uiStore.ts';
import { channelPermissions, has } from '../state/permissions.ts';
import { navigateToChannel } from '../session/actions.ts';

const textLike = (c: APIChannel) => c.type === ChannelType.GUILD_TEXT || c.type === ChannelType.GUILD_ANNOUNCEMENT;

export function orderedTextChannels(guildId: string): APIChannel[] {
  const { channels, guilds } = useGuildStore.getState();
  if (guildId === HOME) {
    return Object.values(channels)
      .filter((c) => c.type === ChannelType.DM || c.type === ChannelType.GROUP_DM)
      .sort((a, b) => (BigInt(b.last_message_id ?? b.id) > BigInt(a.last_message_id ?? a.id) ? 1 : -1));
  }
  const guild = guilds[guildId];
  const userId = useSessionStore.getState().user?.id ?? '';
  const member = useMemberStore.getState().members[guildId]?.[userId];
  const all = Object.values(channels).filter((c) => c.guild_id === guildId);
  const pos = (c: APIChannel | undefined) => c?.position ?? -1;
  const categoryPos = (c: APIChannel) => (c.parent_id ? pos(channels[c.parent_id]) : -1);
  return all
    .filter((c) => textLike(c) && has(channelPermissions(c, guild, userId, member), PermissionFlags.VIEW_CHANNEL))
    .sort((a, b) => categoryPos(a) - categoryPos(b) || pos(a) - pos(b));
}

export function moveChannel(delta: -1 | 1): void {
  const ui = useUiStore.getState();
  const list = orderedTextChannels(ui.selectedGuildId);
  if (list.length === 0) return;
  const current = ui.channelByGuild[ui.selectedGuildId];
  const index = list.findIndex((c) => c.id === current);
  const next = list[(index + delta + list.length) % list.length];
  if (next) navigateToChannel(ui.selectedGuildId, next.id);
}
