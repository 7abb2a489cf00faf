// Guilds, their roles and every channel the user can see (guild channels and DMs alike), kept
// as flat records keyed by id; lists are derived by selectors. Written only by the dispatch handlers.
import { create } from 'zustand';
import type { APIChannel, APIGatewayGuild, APIGuild, APIRole } from '@concord/protocol';
import { compareSnowflakes } from '@concord/protocol';
import { withoutEntries, withoutKey } from './records.ts';

/**
 * A guild from READY or GUILD_CREATE as far as the renderer's decoder checks it: channels and
 * members are there; presences and voice states may be missing, so they are typed as such.
 */
export type GatewayGuildInput = Omit<APIGatewayGuild, 'presences' | 'voice_states'> & { presences?: unknown[]; voice_states?: unknown[] };

export interface GuildRecord extends APIGuild {
  member_count: number;
}

export interface GuildStore {
  guilds: Record<string, GuildRecord>;
  /** Rail order (join order, as Discord shows guilds without folders). */
  guildOrder: string[];
  channels: Record<string, APIChannel>;
  /** Channel ids per guild ('@me' for DMs), so per-guild views do not scan every channel. */
  guildChannelIds: Record<string, string[]>;
  loadGuilds(guilds: GatewayGuildInput[], privateChannels: APIChannel[]): void;
  upsertGatewayGuild(guild: GatewayGuildInput): void;
  updateGuild(guild: Partial<APIGuild> & { id: string }): void;
  removeGuild(guildId: string): void;
  upsertChannel(channel: APIChannel): void;
  removeChannel(channelId: string): void;
  upsertRole(guildId: string, role: APIRole): void;
  removeRole(guildId: string, roleId: string): void;
  setLastMessageId(channelId: string, messageId: string): void;
  setMemberCount(guildId: string, delta: number): void;
  reset(): void;
}

const HOME_KEY = '@me';

/** Rebuilds the per-guild index; channel counts are small enough that a full pass is fine. */
export function indexChannels(channels: Record<string, APIChannel>): Record<string, string[]> {
  const index: Record<string, string[]> = {};
  for (const c of Object.values(channels)) (index[c.guild_id ?? HOME_KEY] ??= []).push(c.id);
  return index;
}

function toRecord(guild: GatewayGuildInput): GuildRecord {
  const { channels: _c, members: _m, presences: _p, voice_states: _v, threads: _t, stage_instances: _s, guild_scheduled_events: _e, ...rest } = guild;
  return { ...rest, member_count: guild.member_count };
}

export const useGuildStore = create<GuildStore>()((set) => ({
  guilds: {},
  guildOrder: [],
  channels: {},
  guildChannelIds: {},
  loadGuilds: (guilds, privateChannels) => {
    const records: Record<string, GuildRecord> = {};
    const channels: Record<string, APIChannel> = {};
    for (const g of guilds) {
      records[g.id] = toRecord(g);
      for (const c of g.channels) channels[c.id] = { ...c, guild_id: g.id };
    }
    for (const c of privateChannels) channels[c.id] = c;
    set({ guilds: records, guildOrder: guilds.map((g) => g.id), channels, guildChannelIds: indexChannels(channels) });
  },
  upsertGatewayGuild: (guild) =>
    set((s) => {
      const channels = withoutEntries(s.channels, (c) => c.guild_id === guild.id);
      for (const c of guild.channels) channels[c.id] = { ...c, guild_id: guild.id };
      return {
        guilds: { ...s.guilds, [guild.id]: toRecord(guild) },
        guildOrder: s.guildOrder.includes(guild.id) ? s.guildOrder : [...s.guildOrder, guild.id],
        channels,
        guildChannelIds: indexChannels(channels),
      };
    }),
  updateGuild: (patch) =>
    set((s) => {
      const existing = s.guilds[patch.id];
      if (!existing) return s;
      return { guilds: { ...s.guilds, [patch.id]: { ...existing, ...patch } } };
    }),
  removeGuild: (guildId) =>
    set((s) => {
      const guilds = withoutKey(s.guilds, guildId);
      const channels = withoutEntries(s.channels, (c) => c.guild_id === guildId);
      return { guilds, channels, guildOrder: s.guildOrder.filter((id) => id !== guildId), guildChannelIds: indexChannels(channels) };
    }),
  upsertChannel: (channel) =>
    set((s) => {
      const prev = s.channels[channel.id];
      const channels = { ...s.channels, [channel.id]: { ...prev, ...channel } };
      // The index only changes when a channel appears or moves between guilds.
      return prev && prev.guild_id === channel.guild_id ? { channels } : { channels, guildChannelIds: indexChannels(channels) };
    }),
  removeChannel: (channelId) =>
    set((s) => {
      const channels = withoutKey(s.channels, channelId);
      return { channels, guildChannelIds: indexChannels(channels) };
    }),
  upsertRole: (guildId, role) =>
    set((s) => {
      const g = s.guilds[guildId];
      if (!g) return s;
      const roles = g.roles.some((r) => r.id === role.id) ? g.roles.map((r) => (r.id === role.id ? role : r)) : [...g.roles, role];
      return { guilds: { ...s.guilds, [guildId]: { ...g, roles } } };
    }),
  removeRole: (guildId, roleId) =>
    set((s) => {
      const g = s.guilds[guildId];
      if (!g) return s;
      return { guilds: { ...s.guilds, [guildId]: { ...g, roles: g.roles.filter((r) => r.id !== roleId) } } };
    }),
  setLastMessageId: (channelId, messageId) =>
    set((s) => {
      const c = s.channels[channelId];
      if (!c) return s;
      if (c.last_message_id && compareSnowflakes(c.last_message_id, messageId) >= 0) return s;
      return { channels: { ...s.channels, [channelId]: { ...c, last_message_id: messageId } } };
    }),
  setMemberCount: (guildId, delta) =>
    set((s) => {
      const g = s.guilds[guildId];
      if (!g) return s;
      return { guilds: { ...s.guilds, [guildId]: { ...g, member_count: Math.max(0, g.member_count + delta) } } };
    }),
  reset: () => set({ guilds: {}, guildOrder: [], channels: {}, guildChannelIds: {} }),
}));
