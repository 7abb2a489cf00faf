// Members per guild, the users we know about and their presences (voice states: voice/voiceStore.ts). Member records keep the user
// object (as the gateway sends it); `users` also holds DM recipients and message authors.
import { create } from 'zustand';
import type { APIActivity, APIGuildMember, APIUser, PresenceStatus } from '@concord/protocol';
import { withoutKey } from './records.ts';

export interface MemberRecord extends Omit<APIGuildMember, 'user'> {
  userId: string;
}

export interface PresenceRecord {
  status: PresenceStatus;
  activities: APIActivity[];
}

export interface MemberStore {
  members: Record<string, Record<string, MemberRecord>>;
  users: Record<string, APIUser>;
  presences: Record<string, PresenceRecord>;
  upsertUsers(users: APIUser[]): void;
  upsertMembers(guildId: string, members: APIGuildMember[]): void;
  patchMember(guildId: string, userId: string, patch: Partial<MemberRecord>): void;
  removeMember(guildId: string, userId: string): void;
  removeGuild(guildId: string): void;
  setPresence(userId: string, presence: PresenceRecord): void;
  reset(): void;
}

function sameUser(a: APIUser | undefined, b: APIUser): boolean {
  return !!a && a.username === b.username && a.global_name === b.global_name && a.avatar === b.avatar && a.bot === b.bot;
}

export const useMemberStore = create<MemberStore>()((set) => ({
  members: {},
  users: {},
  presences: {},
  upsertUsers: (users) =>
    set((s) => {
      let changed = false;
      const next = { ...s.users };
      for (const u of users) {
        if (sameUser(next[u.id], u)) continue;
        next[u.id] = { ...next[u.id], ...u };
        changed = true;
      }
      return changed ? { users: next } : s;
    }),
  upsertMembers: (guildId, members) =>
    set((s) => {
      const guildMembers = { ...s.members[guildId] };
      const users = { ...s.users };
      for (const m of members) {
        if (!m.user) continue;
        const { user, ...rest } = m;
        guildMembers[user.id] = { ...rest, userId: user.id };
        users[user.id] = { ...users[user.id], ...user };
      }
      return { members: { ...s.members, [guildId]: guildMembers }, users };
    }),
  patchMember: (guildId, userId, patch) =>
    set((s) => {
      const existing = s.members[guildId]?.[userId];
      if (!existing) return s;
      return { members: { ...s.members, [guildId]: { ...s.members[guildId], [userId]: { ...existing, ...patch } } } };
    }),
  removeMember: (guildId, userId) =>
    set((s) => {
      const guildMembers = withoutKey(s.members[guildId] ?? {}, userId);
      return { members: { ...s.members, [guildId]: guildMembers } };
    }),
  removeGuild: (guildId) =>
    set((s) => {
      return { members: withoutKey(s.members, guildId) };
    }),
  setPresence: (userId, presence) => set((s) => ({ presences: { ...s.presences, [userId]: presence } })),
  reset: () => set({ members: {}, users: {}, presences: {} }),
}));

export function displayName(user: APIUser | undefined, member?: { nick: string | null }): string {
  if (!user) return 'Unknown User';
  return member?.nick || user.global_name || user.username;
}
