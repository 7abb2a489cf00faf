// Who a message mentions and who gets a mention count: user, role and @everyone/@here mentions
// parsed from content, filtered by allowed_mentions and MENTION_EVERYONE, plus the replied-to
// author. Used for user messages and for what bots send through webhooks and interactions.
import { PermissionFlags, hasPermission, type AllowedMentions } from '@concord/protocol';
import type { ChannelRecord, MessageRecord, UserRecord } from '../store/records.ts';
import type { DomainState } from './DomainState.ts';

const USER_MENTION = /<@!?(\d{15,20})>/g;
const ROLE_MENTION = /<@&(\d{15,20})>/g;
const EVERYONE_MENTION = /@(everyone|here)/;

export interface ResolvedMentions {
  users: string[];
  roles: string[];
  everyone: boolean;
  /** Who gets a mention count on their read state. */
  notify: string[];
}

export function resolveMentions(state: DomainState, channel: ChannelRecord, actor: UserRecord, permissions: bigint, content: string, allowed: AllowedMentions | undefined, referenced: MessageRecord | null): ResolvedMentions {
  const parse = new Set(allowed ? allowed.parse ?? [] : ['users', 'roles', 'everyone']);
  const allowedUsers = new Set(allowed?.users ?? []);
  const allowedRoles = new Set(allowed?.roles ?? []);
  const users: string[] = [];
  for (const m of content.matchAll(USER_MENTION)) {
    const id = m[1]!;
    if (!state.users.has(id) || users.includes(id)) continue;
    users.push(id);
  }
  const notifyUsers = new Set(users.filter((id) => parse.has('users') || allowedUsers.has(id)));
  const g = channel.guild_id ? state.guilds.get(channel.guild_id) : undefined;
  const roles: string[] = [];
  const canMentionEveryone = hasPermission(permissions, PermissionFlags.MENTION_EVERYONE);
  if (g) {
    for (const m of content.matchAll(ROLE_MENTION)) {
      const role = g.roles.get(m[1]!);
      if (!role || roles.includes(role.id)) continue;
      if (!(parse.has('roles') || allowedRoles.has(role.id))) continue;
      if (!role.mentionable && !canMentionEveryone) continue;
      roles.push(role.id);
    }
  }
  const everyone = EVERYONE_MENTION.test(content) && parse.has('everyone') && canMentionEveryone;
  if (referenced && referenced.author_id !== actor.id && (allowed?.replied_user ?? !allowed)) {
    if (!users.includes(referenced.author_id)) users.push(referenced.author_id);
    notifyUsers.add(referenced.author_id);
  }
  // Who gets a mention count: notified users and members of mentioned roles who can see the channel; everyone for @everyone.
  // Permissions are checked per candidate: a plain message in a 19,000-member guild costs nothing here.
  const notify = new Set<string>();
  const canView = (userId: string) => (state.channelPermissions(channel, userId) & PermissionFlags.VIEW_CHANNEL) !== 0n;
  // Every message in a DM or group DM counts as a mention for its recipients, as on Discord.
  if (everyone || !channel.guild_id) for (const id of state.viewersOf(channel)) notify.add(id);
  else {
    for (const id of notifyUsers) if (canView(id)) notify.add(id);
    if (g && roles.length > 0) {
      for (const m of g.members.values()) if (!notify.has(m.user_id) && m.roles.some((r) => roles.includes(r)) && canView(m.user_id)) notify.add(m.user_id);
    }
  }
  return { users, roles, everyone, notify: [...notify] };
}
