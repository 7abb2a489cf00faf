// Derived views over the stores as hooks. Each hook subscribes to the narrowest slices it needs
// and memoises its result, so that (zustand 5) snapshots stay referentially stable.
import { useMemo } from 'react';
import { ChannelType, PermissionFlags, type APIChannel } from '@concord/protocol';
import { useGuildStore } from './guildStore.ts';
import { useMemberStore } from './memberStore.ts';
import { isUnread, useReadStateStore } from './readStateStore.ts';
import { useSessionStore } from './sessionStore.ts';
import { HOME, useUiStore } from './uiStore.ts';
import { channelPermissions, channelPermissionsFor, guildPermissions, has } from './permissions.ts';

export const isTextLike = (c: APIChannel): boolean =>
  c.type === ChannelType.GUILD_TEXT || c.type === ChannelType.GUILD_ANNOUNCEMENT || c.type === ChannelType.DM || c.type === ChannelType.GROUP_DM;
export const isDMChannel = (c: APIChannel): boolean => c.type === ChannelType.DM || c.type === ChannelType.GROUP_DM;

export function useCurrentChannelId(): string | null {
  return useUiStore((s) => s.channelByGuild[s.selectedGuildId] ?? null);
}

export function useChannel(channelId: string | null): APIChannel | undefined {
  return useGuildStore((s) => (channelId ? s.channels[channelId] : undefined));
}

export function useChannelPermissions(channelId: string | null): bigint {
  const channel = useChannel(channelId);
  const guild = useGuildStore((s) => (channel?.guild_id ? s.guilds[channel.guild_id] : undefined));
  const userId = useSessionStore((s) => s.user?.id ?? '');
  const member = useMemberStore((s) => (channel?.guild_id ? s.members[channel.guild_id]?.[userId] : undefined));
  return useMemo(() => (channel ? channelPermissions(channel, guild, userId, member) : 0n), [channel, guild, userId, member]);
}

export function useGuildPermissions(guildId: string | null): bigint {
  const guild = useGuildStore((s) => (guildId ? s.guilds[guildId] : undefined));
  const userId = useSessionStore((s) => s.user?.id ?? '');
  const member = useMemberStore((s) => (guildId ? s.members[guildId]?.[userId] : undefined));
  return useMemo(() => (guild ? guildPermissions(guild, userId, member) : 0n), [guild, userId, member]);
}

export interface ChannelTreeNode {
  category: APIChannel | null;
  channels: APIChannel[];
}

const byPosition = (a: APIChannel, b: APIChannel) => (a.position ?? 0) - (b.position ?? 0) || (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
const voiceLast = (a: APIChannel, b: APIChannel) => Number(a.type === ChannelType.GUILD_VOICE) - Number(b.type === ChannelType.GUILD_VOICE) || byPosition(a, b);

/** The sidebar tree: uncategorised channels first, then categories by position; only visible channels. */
export function useChannelTree(guildId: string): ChannelTreeNode[] {
  const channels = useGuildStore((s) => s.channels);
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const userId = useSessionStore((s) => s.user?.id ?? '');
  const member = useMemberStore((s) => s.members[guildId]?.[userId]);
  return useMemo(() => {
    const all = Object.values(channels).filter((c) => c.guild_id === guildId);
    const permissionsOf = channelPermissionsFor(guild, userId, member);
    const visible = (c: APIChannel) => has(permissionsOf(c), PermissionFlags.VIEW_CHANNEL);
    const categories = all.filter((c) => c.type === ChannelType.GUILD_CATEGORY).sort(byPosition);
    const rest = all.filter((c) => c.type !== ChannelType.GUILD_CATEGORY && visible(c));
    const tree: ChannelTreeNode[] = [{ category: null, channels: rest.filter((c) => !c.parent_id || !categories.some((k) => k.id === c.parent_id)).sort(voiceLast) }];
    for (const category of categories) {
      const children = rest.filter((c) => c.parent_id === category.id).sort(voiceLast);
      const canManage = has(guildPermissions(guild!, userId, member), PermissionFlags.MANAGE_CHANNELS);
      if (children.length > 0 || canManage || visible(category)) tree.push({ category, channels: children });
    }
    return tree;
  }, [channels, guild, guildId, userId, member]);
}

/** Channels in sidebar order, flattened (Alt+Up/Down and the quick switcher walk this). */
export function flattenTree(tree: ChannelTreeNode[]): APIChannel[] {
  return tree.flatMap((n) => n.channels);
}

export function useDMChannels(): APIChannel[] {
  const channels = useGuildStore((s) => s.channels);
  return useMemo(
    () =>
      Object.values(channels)
        .filter(isDMChannel)
        .sort((a, b) => {
          const la = BigInt(a.last_message_id ?? a.id);
          const lb = BigInt(b.last_message_id ?? b.id);
          return la > lb ? -1 : la < lb ? 1 : 0;
        }),
    [channels],
  );
}

export interface UnreadSummary {
  unread: boolean;
  mentions: number;
}

/** Unread dot and mention count for a guild (visible text channels only) or for HOME (DMs). */
export function useGuildUnread(guildId: string): UnreadSummary {
  const channels = useGuildStore((s) => s.channels);
  const ids = useGuildStore((s) => s.guildChannelIds[guildId]);
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const readStates = useReadStateStore((s) => s.readStates);
  const userId = useSessionStore((s) => s.user?.id ?? '');
  const member = useMemberStore((s) => s.members[guildId]?.[userId]);
  return useMemo(() => {
    let unread = false;
    let mentions = 0;
    const permissionsOf = channelPermissionsFor(guild, userId, member);
    for (const id of ids ?? []) {
      const c = channels[id];
      if (!c) continue;
      const inScope = guildId === HOME ? isDMChannel(c) : c.guild_id === guildId && isTextLike(c);
      if (!inScope) continue;
      const rs = readStates[c.id];
      const channelUnread = isUnread(c.last_message_id, rs);
      const channelMentions = rs?.mentionCount ?? 0;
      if (!channelUnread && channelMentions === 0) continue;
      if (guildId !== HOME && !has(permissionsOf(c), PermissionFlags.VIEW_CHANNEL)) continue;
      if (channelUnread) unread = true;
      mentions += channelMentions;
    }
    return { unread, mentions };
  }, [channels, ids, guild, guildId, readStates, userId, member]);
}

export function useChannelUnread(channel: APIChannel): UnreadSummary {
  const rs = useReadStateStore((s) => s.readStates[channel.id]);
  return useMemo(() => ({ unread: isTextLike(channel) && isUnread(channel.last_message_id, rs), mentions: rs?.mentionCount ?? 0 }), [channel, rs]);
}

/** A DM's display name: its name, or its recipients' names. */
export function dmName(channel: APIChannel): string {
  if (channel.name) return channel.name;
  const names = (channel.recipients ?? []).map((r) => r.global_name || r.username);
  return names.join(', ') || 'Empty group';
}
