// The members, roles and channels of a guild as pickable choices, for user / role / mentionable /
// channel selects on bot messages and for the matching slash-command options.
import { useMemo, type ReactNode } from 'react';
import { ChannelType } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { sortRoles } from '../state/permissions.ts';
import { roleColor } from '../ui/avatar.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { HashIcon } from '../ui/Icons.dom.tsx';

export interface EntityChoice {
  value: string;
  label: string;
  description: string | null;
  icon: ReactNode;
  color?: string | undefined;
}

export interface EntityKinds {
  users: boolean;
  roles: boolean;
  channels: boolean;
  /** Channel types to offer; empty means text, announcement and voice channels. */
  channelTypes: readonly number[];
}

const DEFAULT_CHANNEL_TYPES = [ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT, ChannelType.GUILD_VOICE];

export function useEntityChoices(guildId: string | undefined, kinds: EntityKinds): EntityChoice[] {
  const members = useMemberStore((s) => (guildId && kinds.users ? s.members[guildId] : undefined));
  const users = useMemberStore((s) => s.users);
  const roles = useGuildStore((s) => (guildId && kinds.roles ? s.guilds[guildId]?.roles : undefined));
  const channels = useGuildStore((s) => (kinds.channels ? s.channels : undefined));
  const channelTypes = kinds.channelTypes.join(',');
  return useMemo(() => {
    const out: EntityChoice[] = [];
    if (members) {
      const people: EntityChoice[] = [];
      for (const [id, m] of Object.entries(members)) {
        const u = users[id];
        if (!u) continue;
        const name = displayName(u, m);
        people.push({ value: id, label: name, description: u.username !== name ? u.username : null, icon: <Avatar id={id} name={name} size={20} /> });
      }
      out.push(...people.sort((a, b) => a.label.localeCompare(b.label)));
    }
    if (roles) {
      for (const r of sortRoles(roles.filter((r) => r.id !== guildId))) {
        const color = roleColor(r.color);
        out.push({ value: r.id, label: `@${r.name}`, description: null, icon: <span className="role-dot" style={{ background: color ?? 'var(--text-muted)' }} />, color });
      }
    }
    if (channels && guildId) {
      const wanted = channelTypes ? channelTypes.split(',').map(Number) : DEFAULT_CHANNEL_TYPES;
      const list = Object.values(channels).filter((c) => c.guild_id === guildId && wanted.includes(c.type));
      list.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
      for (const c of list) out.push({ value: c.id, label: c.name ?? c.id, description: null, icon: <HashIcon size={18} /> });
    }
    return out;
  }, [members, users, roles, channels, guildId, channelTypes]);
}
