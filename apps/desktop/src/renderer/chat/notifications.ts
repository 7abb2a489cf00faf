// Desktop notifications for mentions and DMs while the window is not focused, mention counting
// for channels the user is not looking at, and the app badge (total unread mentions).
import { ChannelType, RelationshipType, type APIMessage } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useReadStateStore } from '../state/readStateStore.ts';
import { useRelationshipStore } from '../dm/relationshipStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { maybeSession } from '../session/currentSession.ts';
import { toPlainText, type MdNode } from './markdown.ts';

export function mentionsSelf(message: APIMessage, selfId: string): boolean {
  if (message.mentions.some((u) => u.id === selfId)) return true;
  if (message.mention_everyone) return true;
  const guildId = message.guild_id ?? useGuildStore.getState().channels[message.channel_id]?.guild_id;
  if (!guildId || message.mention_roles.length === 0) return false;
  const myRoles = useMemberStore.getState().members[guildId]?.[selfId]?.roles ?? [];
  return message.mention_roles.some((r) => myRoles.includes(r));
}

export async function notifyIfNeeded(message: APIMessage, viewing: boolean): Promise<void> {
  const selfId = useSessionStore.getState().user?.id;
  if (!selfId) return;
  const channel = useGuildStore.getState().channels[message.channel_id];
  const isDM = channel ? channel.type === ChannelType.DM || channel.type === ChannelType.GROUP_DM : !message.guild_id;
  // A blocked user's messages never notify or count as mentions (they are collapsed in the list).
  if (useRelationshipStore.getState().byUserId[message.author.id]?.type === RelationshipType.BLOCKED) return;
  const mentioned = mentionsSelf(message, selfId);
  if (!mentioned && !isDM) return;
  if (!viewing) {
    useReadStateStore.getState().addMention(message.channel_id);
    refreshBadgeCount();
  }
  const { settings } = useUiStore.getState();
  if (isDM ? !settings.notifications.directMessages : !settings.notifications.mentions) return;
  if (useSessionStore.getState().selfStatus === 'dnd') return;
  const session = maybeSession();
  if (!session) return;
  if (await session.bridge.window.isFocused()) return;
  const guild = channel?.guild_id ? useGuildStore.getState().guilds[channel.guild_id] : undefined;
  const member = channel?.guild_id ? useMemberStore.getState().members[channel.guild_id]?.[message.author.id] : undefined;
  const author = displayName(message.author, member);
  const title = guild && channel ? `${author} (#${channel.name ?? ''}, ${guild.name})` : author;
  const body = toPlainText(message.content, (n) => mentionText(n, channel?.guild_id)) || (message.attachments.length > 0 ? `Uploaded ${message.attachments.length} file(s)` : '');
  await session.bridge.notifications.show({ title, body: body.slice(0, 200), channelId: message.channel_id });
}

/** Mentions as names, for text shown outside the app (notifications). */
function mentionText(node: MdNode, guildId: string | undefined): string | null {
  switch (node.type) {
    case 'userMention': {
      const members = useMemberStore.getState();
      const user = members.users[node.id];
      return user ? `@${displayName(user, guildId ? members.members[guildId]?.[node.id] : undefined)}` : null;
    }
    case 'channelMention': {
      const c = useGuildStore.getState().channels[node.id];
      return c?.name ? `#${c.name}` : null;
    }
    case 'roleMention': {
      const role = guildId ? useGuildStore.getState().guilds[guildId]?.roles.find((r) => r.id === node.id) : undefined;
      return role ? `@${role.name}` : null;
    }
    default:
      return null;
  }
}

export function refreshBadgeCount(): void {
  const session = maybeSession();
  if (!session) return;
  let total = 0;
  for (const rs of Object.values(useReadStateStore.getState().readStates)) total += rs.mentionCount;
  session.bridge.window.setBadgeCount(total).catch((err: unknown) => console.warn('badge update failed', err));
}
