// A small snapshot of the last READY (self, guild structure, channels, read states and the last
// location) kept in localStorage, so that a restart without a server still shows the sidebar
// and lets the cache paint the last channel under the offline banner.
import type { APIChannel, APISelfUser, APIUser } from '@concord/protocol';
import { indexChannels, useGuildStore, type GuildRecord } from '../state/guildStore.ts';
import { useMemberStore, type MemberRecord } from '../state/memberStore.ts';
import { useReadStateStore, type ReadState } from '../state/readStateStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { isObj } from './decoders.ts';

const KEY = 'concord.snapshot';
const LOCATION_KEY = 'concord.location';
const VERSION = 1;
const MAX_MEMBERS_PER_GUILD = 200;

interface Snapshot {
  v: number;
  user: APISelfUser;
  guilds: Record<string, GuildRecord>;
  guildOrder: string[];
  channels: Record<string, APIChannel>;
  users: Record<string, APIUser>;
  members: Record<string, Record<string, MemberRecord>>;
  readStates: Record<string, ReadState>;
  location: { guildId: string; channelByGuild: Record<string, string | null> };
}

export function saveSnapshot(): void {
  const user = useSessionStore.getState().user;
  if (!user) return;
  const g = useGuildStore.getState();
  const m = useMemberStore.getState();
  const ui = useUiStore.getState();
  const members: Snapshot['members'] = {};
  const users: Record<string, APIUser> = {};
  for (const [guildId, byUser] of Object.entries(m.members)) {
    const kept = Object.entries(byUser).slice(0, MAX_MEMBERS_PER_GUILD);
    members[guildId] = Object.fromEntries(kept);
    for (const [userId] of kept) {
      const u = m.users[userId];
      if (u) users[userId] = u;
    }
  }
  for (const c of Object.values(g.channels)) for (const r of c.recipients ?? []) users[r.id] = r;
  const snapshot: Snapshot = {
    v: VERSION,
    user,
    guilds: g.guilds,
    guildOrder: g.guildOrder,
    channels: g.channels,
    users,
    members,
    readStates: useReadStateStore.getState().readStates,
    location: { guildId: ui.selectedGuildId, channelByGuild: ui.channelByGuild },
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(snapshot));
  } catch (err) {
    console.warn('could not save the offline snapshot', err);
  }
}

/** The selected guild and channel, saved on every navigation (cheap, unlike the snapshot). */
export function saveLocation(): void {
  const ui = useUiStore.getState();
  try {
    localStorage.setItem(LOCATION_KEY, JSON.stringify({ guildId: ui.selectedGuildId, channelByGuild: ui.channelByGuild }));
  } catch (err) {
    console.warn('could not save the last location', err);
  }
}

function readLocation(): Snapshot['location'] | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(LOCATION_KEY) ?? 'null');
    if (!isObj(parsed) || typeof parsed['guildId'] !== 'string' || !isObj(parsed['channelByGuild'])) return null;
    const channelByGuild: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(parsed['channelByGuild'])) if (typeof v === 'string' || v === null) channelByGuild[k] = v;
    return { guildId: parsed['guildId'], channelByGuild };
  } catch {
    return null;
  }
}

/** Restores the last location alone (when there is no snapshot yet). */
export function restoreLocation(): void {
  const location = readLocation();
  if (location) useUiStore.setState({ selectedGuildId: location.guildId, channelByGuild: location.channelByGuild });
}

/** Restores the snapshot into the stores; returns false when there is none for this build. */
export function restoreSnapshot(): boolean {
  let parsed: unknown;
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return false;
    parsed = JSON.parse(raw);
  } catch (err) {
    console.warn('offline snapshot unreadable; ignoring it', err);
    return false;
  }
  // The snapshot is our own earlier output; a version check is enough to trust its shape.
  if (!isObj(parsed) || parsed['v'] !== VERSION) return false;
  const s = parsed as unknown as Snapshot;
  useSessionStore.getState().setUser(s.user);
  useGuildStore.setState({ guilds: s.guilds, guildOrder: s.guildOrder, channels: s.channels, guildChannelIds: indexChannels(s.channels) });
  useMemberStore.setState({ users: s.users, members: s.members });
  useReadStateStore.setState({ readStates: s.readStates });
  const location = readLocation() ?? s.location;
  useUiStore.setState({ selectedGuildId: location.guildId, channelByGuild: location.channelByGuild });
  return true;
}

export function clearSnapshot(): void {
  localStorage.removeItem(KEY);
  localStorage.removeItem(LOCATION_KEY);
}
