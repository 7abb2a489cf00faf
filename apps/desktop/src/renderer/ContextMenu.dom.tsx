// Right-click menus: on a message (quick reactions, reply, edit, pin, copy text/id, delete, the
// bots' message commands under "Apps"), on a
// channel (mark read, edit, invite, copy id, delete), on a guild (invite, settings, create
// channel/category, leave) and on a user (message, add friend, block, copy id).
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { ChannelType, PermissionFlags, RelationshipType } from '@concord/protocol';
import { useGuildStore } from './state/guildStore.ts';
import { useMessageStore } from './state/messageStore.ts';
import { useSessionStore } from './state/sessionStore.ts';
import { useUiStore, type ContextMenuState } from './state/uiStore.ts';
import { useChannelPermissions, useGuildPermissions } from './state/selectors.ts';
import { has } from './state/permissions.ts';
import { QUICK_REACTIONS } from './chat/emoji.ts';
import { copyText, deleteMessage, errorText, leaveGuild, openDM, setPinned, toggleReaction } from './session/actions.ts';
import { acceptFriend, blockUser, removeRelationship } from './dm/relationships.ts';
import { useMemberStore } from './state/memberStore.ts';
import { useRelationshipStore } from './dm/relationshipStore.ts';
import { ackChannel } from './chat/readStates.ts';
import { maybeSession } from './session/currentSession.ts';
import { loadCommandIndex, runMessageCommand } from './bots/interactions.ts';
import { messageCommands } from './bots/slashCommands.ts';
import { useCommandIndexStore } from './bots/commandIndexStore.ts';

export function ContextMenu() {
  const menu = useUiStore((s) => s.contextMenu);
  if (!menu) return null;
  return (
    <>
      <div style={{ position: 'fixed', inset: 0, zIndex: 99 }} onClick={close} onContextMenu={(e) => { e.preventDefault(); close(); }} />
      <Positioned x={menu.x} y={menu.y}>
        <MenuBody menu={menu} />
      </Positioned>
    </>
  );
}

const close = () => useUiStore.getState().setContextMenu(null);

function Positioned({ x, y, children }: { x: number; y: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.max(8, Math.min(x, window.innerWidth - r.width - 8)), top: Math.max(8, Math.min(y, window.innerHeight - r.height - 8)) });
  }, [x, y]);
  return (
    <div ref={ref} className="menu" style={pos} role="menu" data-testid="context-menu" onClick={(e) => e.stopPropagation()}>
      {children}
    </div>
  );
}

function Item({ label, onClick, danger, testId }: { label: string; onClick(): void; danger?: boolean; testId?: string }) {
  return (
    <button
      className={`mi ${danger ? 'danger' : ''}`}
      role="menuitem"
      data-testid={testId}
      onClick={() => {
        close();
        onClick();
      }}
    >
      {label}
    </button>
  );
}

function run(p: Promise<unknown>): void {
  p.catch((err: unknown) => useUiStore.getState().showToast(errorText(err)));
}

function MenuBody({ menu }: { menu: ContextMenuState }) {
  switch (menu.kind) {
    case 'message':
      return <MessageMenu channelId={menu.channelId} messageId={menu.messageId} />;
    case 'channel':
      return <ChannelMenu channelId={menu.channelId} />;
    case 'guild':
      return <GuildMenu guildId={menu.guildId} />;
    case 'user':
      return <UserMenu userId={menu.userId} />;
    default: {
      const never: never = menu;
      return <>{String(never)}</>;
    }
  }
}

function MessageMenu({ channelId, messageId }: { channelId: string; messageId: string }) {
  const message = useMessageStore((s) => s.byChannel[channelId]?.messages.find((m) => m.id === messageId) ?? s.pins[channelId]?.find((m) => m.id === messageId));
  const selfId = useSessionStore((s) => s.user?.id);
  const perms = useChannelPermissions(channelId);
  if (!message) return null;
  const own = message.author.id === selfId;
  const canManage = has(perms, PermissionFlags.MANAGE_MESSAGES);
  const canReact = has(perms, PermissionFlags.ADD_REACTIONS);
  const canSend = has(perms, PermissionFlags.SEND_MESSAGES);
  const ui = useUiStore.getState();
  return (
    <>
      {canReact ? (
        <div className="quick-reactions">
          {QUICK_REACTIONS.map((e) => (
            <button
              key={e}
              aria-label={`React with ${e}`}
              data-testid="quick-reaction"
              onClick={() => {
                close();
                void toggleReaction(channelId, messageId, { id: null, name: e });
              }}
            >
              {e}
            </button>
          ))}
        </div>
      ) : null}
      {canReact ? <Item label="Add Reaction" testId="menu-add-reaction" onClick={() => ui.setReactionPicker({ channelId, messageId, x: window.innerWidth / 2 - 172, y: window.innerHeight / 2 - 180 })} /> : null}
      {own ? <Item label="Edit Message" testId="menu-edit" onClick={() => ui.setEditing({ channelId, messageId })} /> : null}
      {canSend ? <Item label="Reply" testId="menu-reply" onClick={() => ui.setReplyTo(channelId, messageId)} /> : null}
      {canManage || !message.guild_id ? (
        <Item label={message.pinned ? 'Unpin Message' : 'Pin Message'} testId="menu-pin" onClick={() => run(setPinned(channelId, messageId, !message.pinned))} />
      ) : null}
      <Item label="Copy Text" testId="menu-copy-text" onClick={() => copyText(message.content, 'Text')} />
      {message.guild_id && has(perms, PermissionFlags.USE_APPLICATION_COMMANDS) ? <AppCommands guildId={message.guild_id} channelId={channelId} messageId={messageId} /> : null}
      {own || canManage ? (
        <Item
          label="Delete Message"
          danger
          testId="menu-delete"
          onClick={() =>
            ui.openModal({
              kind: 'confirm',
              title: 'Delete Message',
              body: 'Are you sure you want to delete this message?',
              confirmLabel: 'Delete',
              danger: true,
              onConfirm: () => run(deleteMessage(channelId, messageId)),
            })
          }
        />
      ) : null}
      {!own && !message.webhook_id ? <RelationshipItems userId={message.author.id} bot={!!message.author.bot} /> : null}
      <div className="sep" />
      <Item label="Copy Message ID" testId="menu-copy-id" onClick={() => copyText(messageId, 'Message ID')} />
    </>
  );
}

/** A member (right-click in the member list): message, friend and block actions, copy id. */
function UserMenu({ userId }: { userId: string }) {
  const bot = useMemberStore((s) => !!s.users[userId]?.bot);
  return (
    <>
      <Item label="Message" testId="menu-message-user" onClick={() => run(openDM(userId))} />
      <RelationshipItems userId={userId} bot={bot} />
      <div className="sep" />
      <Item label="Copy User ID" testId="menu-copy-user-id" onClick={() => copyText(userId, 'User ID')} />
    </>
  );
}

/** Add Friend / Accept / Remove Friend / Cancel Request, and Block / Unblock, for the relationship one has with the user. */
function RelationshipItems({ userId, bot }: { userId: string; bot: boolean }) {
  const type = useRelationshipStore((s) => s.byUserId[userId]?.type);
  const friendItem =
    bot || type === RelationshipType.BLOCKED ? null : type === RelationshipType.FRIEND ? (
      <Item label="Remove Friend" danger testId="menu-remove-friend" onClick={() => run(removeRelationship(userId))} />
    ) : type === RelationshipType.PENDING_OUTGOING ? (
      <Item label="Cancel Friend Request" testId="menu-cancel-friend" onClick={() => run(removeRelationship(userId))} />
    ) : (
      <Item label={type === RelationshipType.PENDING_INCOMING ? 'Accept Friend Request' : 'Add Friend'} testId="menu-add-friend" onClick={() => run(acceptFriend(userId))} />
    );
  return (
    <>
      <div className="sep" />
      {friendItem}
      {type === RelationshipType.BLOCKED ? (
        <Item label="Unblock" testId="menu-unblock" onClick={() => run(removeRelationship(userId))} />
      ) : (
        <Item label="Block" danger testId="menu-block" onClick={() => run(blockUser(userId))} />
      )}
    </>
  );
}

/** The bots' message commands ("Apps" on Discord), run on this message. */
function AppCommands({ guildId, channelId, messageId }: { guildId: string; channelId: string; messageId: string }) {
  const index = useCommandIndexStore((s) => s.byGuild[guildId]?.index);
  useEffect(() => {
    void loadCommandIndex(guildId);
  }, [guildId]);
  const commands = messageCommands(index);
  if (commands.length === 0) return null;
  return (
    <>
      <div className="sep" />
      <div className="menu-title">Apps</div>
      {commands.map(({ command, application }) => (
        <Item key={command.id} label={command.name} testId="menu-app-command" onClick={() => void runMessageCommand(channelId, command, application, messageId)} />
      ))}
    </>
  );
}

function ChannelMenu({ channelId }: { channelId: string }) {
  const channel = useGuildStore((s) => s.channels[channelId]);
  const perms = useChannelPermissions(channelId);
  if (!channel) return null;
  const ui = useUiStore.getState();
  const canManage = has(perms, PermissionFlags.MANAGE_CHANNELS);
  const isCategory = channel.type === ChannelType.GUILD_CATEGORY;
  return (
    <>
      {!isCategory ? <Item label="Mark As Read" onClick={() => ackChannel(channelId)} /> : null}
      {channel.guild_id && !isCategory ? <Item label="Invite People" onClick={() => ui.openModal({ kind: 'invite', guildId: channel.guild_id!, channelId })} /> : null}
      {canManage ? <Item label={isCategory ? 'Edit Category' : 'Edit Channel'} onClick={() => ui.openModal({ kind: 'channelSettings', channelId, tab: 'overview' })} /> : null}
      {canManage && isCategory ? <Item label="Create Channel" onClick={() => ui.openModal({ kind: 'createChannel', guildId: channel.guild_id!, parentId: channelId, category: false })} /> : null}
      {canManage ? (
        <Item
          label={isCategory ? 'Delete Category' : 'Delete Channel'}
          danger
          onClick={() =>
            ui.openModal({
              kind: 'confirm',
              title: isCategory ? 'Delete Category' : 'Delete Channel',
              body: `Are you sure you want to delete ${isCategory ? '' : '#'}${channel.name ?? ''}? This cannot be undone.`,
              confirmLabel: 'Delete',
              danger: true,
              onConfirm: () => run(maybeSession()?.api.deleteChannel(channelId) ?? Promise.resolve()),
            })
          }
        />
      ) : null}
      <div className="sep" />
      <Item label="Copy Channel ID" onClick={() => copyText(channelId, 'Channel ID')} />
    </>
  );
}

function GuildMenu({ guildId }: { guildId: string }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const selfId = useSessionStore((s) => s.user?.id);
  const perms = useGuildPermissions(guildId);
  const firstText = useGuildStore((s) => Object.values(s.channels).find((c) => c.guild_id === guildId && c.type === ChannelType.GUILD_TEXT)?.id);
  if (!guild) return null;
  const ui = useUiStore.getState();
  const canManageGuild = has(perms, PermissionFlags.MANAGE_GUILD) || has(perms, PermissionFlags.MANAGE_ROLES) || has(perms, PermissionFlags.BAN_MEMBERS);
  const canManageChannels = has(perms, PermissionFlags.MANAGE_CHANNELS);
  const currentChannel = ui.channelByGuild[guildId] ?? firstText;
  return (
    <>
      {currentChannel ? <Item label="Invite People" testId="menu-invite" onClick={() => ui.openModal({ kind: 'invite', guildId, channelId: currentChannel })} /> : null}
      {canManageGuild ? <Item label="Server Settings" testId="menu-server-settings" onClick={() => ui.openModal({ kind: 'guildSettings', guildId, tab: 'overview' })} /> : null}
      {canManageChannels ? <Item label="Create Channel" testId="menu-create-channel" onClick={() => ui.openModal({ kind: 'createChannel', guildId, parentId: null, category: false })} /> : null}
      {canManageChannels ? <Item label="Create Category" testId="menu-create-category" onClick={() => ui.openModal({ kind: 'createChannel', guildId, parentId: null, category: true })} /> : null}
      <div className="sep" />
      <Item label="Mark As Read" onClick={() => Object.values(useGuildStore.getState().channels).filter((c) => c.guild_id === guildId).forEach((c) => ackChannel(c.id))} />
      <Item label="Copy Server ID" onClick={() => copyText(guildId, 'Server ID')} />
      {guild.owner_id !== selfId ? (
        <Item
          label="Leave Server"
          danger
          onClick={() =>
            ui.openModal({
              kind: 'confirm',
              title: `Leave '${guild.name}'`,
              body: `Are you sure you want to leave ${guild.name}? You won't be able to rejoin unless you are re-invited.`,
              confirmLabel: 'Leave Server',
              danger: true,
              onConfirm: () => run(leaveGuild(guildId)),
            })
          }
        />
      ) : null}
    </>
  );
}
