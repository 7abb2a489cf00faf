// The message's right-click menu: quick reactions, reply, edit, pin, copy text/id, delete, the
// bots' message commands under "Apps", and the author's friend / block items.
import { PermissionFlags } from '@concord/protocol';
import { useMessageStore } from '../state/messageStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { useChannelPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { QUICK_REACTIONS } from './emoji.ts';
import { copyText, deleteMessage, setPinned, toggleReaction } from '../session/actions.ts';
import { MenuItem, closeContextMenu, runOrToast } from '../ui/Menu.dom.tsx';
import { RelationshipItems } from '../dm/UserMenu.dom.tsx';
import { AppCommandItems } from '../bots/AppCommandItems.dom.tsx';

export function MessageMenu({ channelId, messageId }: { channelId: string; messageId: string }) {
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
                closeContextMenu();
                void toggleReaction(channelId, messageId, { id: null, name: e });
              }}
            >
              {e}
            </button>
          ))}
        </div>
      ) : null}
      {canReact ? <MenuItem label="Add Reaction" testId="menu-add-reaction" onClick={() => ui.setReactionPicker({ channelId, messageId, x: window.innerWidth / 2 - 172, y: window.innerHeight / 2 - 180 })} /> : null}
      {own ? <MenuItem label="Edit Message" testId="menu-edit" onClick={() => ui.setEditing({ channelId, messageId })} /> : null}
      {canSend ? <MenuItem label="Reply" testId="menu-reply" onClick={() => ui.setReplyTo(channelId, messageId)} /> : null}
      {canManage || !message.guild_id ? (
        <MenuItem label={message.pinned ? 'Unpin Message' : 'Pin Message'} testId="menu-pin" onClick={() => runOrToast(setPinned(channelId, messageId, !message.pinned))} />
      ) : null}
      <MenuItem label="Copy Text" testId="menu-copy-text" onClick={() => copyText(message.content, 'Text')} />
      {message.guild_id && has(perms, PermissionFlags.USE_APPLICATION_COMMANDS) ? <AppCommandItems guildId={message.guild_id} channelId={channelId} messageId={messageId} /> : null}
      {own || canManage ? (
        <MenuItem
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
              onConfirm: () => runOrToast(deleteMessage(channelId, messageId)),
            })
          }
        />
      ) : null}
      {!own && !message.webhook_id ? <RelationshipItems userId={message.author.id} bot={!!message.author.bot} /> : null}
      <div className="sep" />
      <MenuItem label="Copy Message ID" testId="menu-copy-id" onClick={() => copyText(messageId, 'Message ID')} />
    </>
  );
}
