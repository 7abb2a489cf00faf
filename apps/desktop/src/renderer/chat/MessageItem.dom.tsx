// One message row: avatar and header at the start of a group (time in the gutter otherwise),
// the quoted original of a reply, Markdown content with "(edited)", attachments, embeds and
// reactions, a hover toolbar, inline editing, and highlight when it mentions the user. Bot
// answers add "X used /command", the thinking placeholder, components and the ephemeral note.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { MessageType, type APIMessage, type APIReaction } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import type { PendingMessage } from '../state/messageStore.ts';
import { formatFull, formatTime, formatTimestamp } from '../ui/format.ts';
import { isEmojiOnly, parseMarkdown, toPlainText } from './markdown.ts';
import { roleColor } from '../ui/avatar.ts';
import { sortRoles } from '../state/permissions.ts';
import { discardPending, editMessage, errorText, retryPending, toggleReaction } from '../session/actions.ts';
import { emojiKey } from '../session/dispatch.ts';
import { mentionsSelf } from './notifications.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { Markdown, renderNodes } from './Markdown.dom.tsx';
import { Embed } from './Embed.dom.tsx';
import { Attachments } from './Attachments.dom.tsx';
import { decodeInteractionMetadata } from '../bots/botDecoders.ts';
import { EphemeralMessageNote, InteractionHeader, ThinkingContent, isEphemeral, isLoading } from '../bots/BotMessageParts.dom.tsx';
import { MessageComponents } from '../bots/MessageComponents.dom.tsx';
import { EditIcon, MoreIcon, ReplyIcon, SmileIcon } from '../ui/Icons.dom.tsx';
import { CustomEmoji, MessageStickers } from '../emoji/CustomEmoji.dom.tsx';
import { boostMessageText, isBoostMessage } from '../premium/boostMessages.ts';
import { CallMessage } from '../dm/CallMessage.dom.tsx';

/** The colour of a member's highest coloured role, as Discord paints names. */
export function useAuthorColor(guildId: string | undefined, userId: string): string | undefined {
  const roles = useGuildStore((s) => (guildId ? s.guilds[guildId]?.roles : undefined));
  const memberRoles = useMemberStore((s) => (guildId ? s.members[guildId]?.[userId]?.roles : undefined));
  if (!roles || !memberRoles) return undefined;
  const top = sortRoles(roles.filter((r) => memberRoles.includes(r.id) && r.color !== 0))[0];
  return top ? roleColor(top.color) : undefined;
}

function useAuthorName(guildId: string | undefined, message: APIMessage): string {
  const member = useMemberStore((s) => (guildId ? s.members[guildId]?.[message.author.id] : undefined));
  const user = useMemberStore((s) => s.users[message.author.id]);
  return displayName(user ?? message.author, member ?? message.member);
}

export const MessageItem = memo(function MessageItem({ message, groupStart, compactPreview = false }: { message: APIMessage; groupStart: boolean; compactPreview?: boolean }) {
  const guildId = useGuildStore((s) => message.guild_id ?? s.channels[message.channel_id]?.guild_id);
  const guildName = useGuildStore((s) => (guildId ? (s.guilds[guildId]?.name ?? '') : ''));
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const selfRoles = useMemberStore((s) => (guildId ? s.members[guildId]?.[selfId]?.roles : undefined));
  const editing = useUiStore((s) => !compactPreview && s.editing?.messageId === message.id);
  const menuOpen = useUiStore((s) => !compactPreview && s.contextMenu?.kind === 'message' && s.contextMenu.messageId === message.id);
  const replying = useUiStore((s) => !compactPreview && s.replyTo[message.channel_id] === message.id);
  const compact = useUiStore((s) => s.settings.compactMode) && !compactPreview;
  const name = useAuthorName(guildId, message);
  const color = useAuthorColor(guildId, message.author.id);
  const mentioned = selfId !== '' && message.author.id !== selfId && (mentionsSelf(message, selfId) || message.mention_roles.some((r) => selfRoles?.includes(r)));
  const isReply = !!(message.message_reference?.message_id && (message.type === MessageType.REPLY || message.referenced_message !== undefined));
  const interaction = useMemo(() => decodeInteractionMetadata(message.interaction_metadata, message.interaction), [message.interaction_metadata, message.interaction]);
  const ephemeral = isEphemeral(message);
  const start = groupStart || isReply || interaction !== null;
  // Ephemeral messages live in this client only: no reactions, replies, pins or edits.
  const actions = !compactPreview && !ephemeral;

  const openMenu = (x: number, y: number) => useUiStore.getState().setContextMenu({ kind: 'message', x, y, channelId: message.channel_id, messageId: message.id });

  if (message.type === MessageType.CALL) return <CallMessage message={message} />;
  if (message.type === MessageType.USER_JOIN || message.type === MessageType.CHANNEL_PINNED_MESSAGE || isBoostMessage(message.type)) {
    return (
      <div className="message group-start" data-testid="message" data-message-id={message.id} style={{ minHeight: 0, marginTop: 8 }}>
        <span className="gutter-time" style={{ visibility: 'visible', color: 'var(--green)', fontSize: 18 }}>→</span>
        <span className="system">
          <span className="author" style={color ? { color } : undefined}>{name}</span>{' '}
          {message.type === MessageType.USER_JOIN ? 'joined the server.' : isBoostMessage(message.type) ? boostMessageText(message.type, message.content, guildName) : 'pinned a message to this channel.'}{' '}
          <span className="timestamp">{formatTimestamp(message.timestamp)}</span>
        </span>
      </div>
    );
  }

  const classes = ['message', compact ? 'compact' : '', start ? 'group-start' : '', mentioned ? 'mentioned' : '', menuOpen ? 'menu-open' : '', replying ? 'replying' : '', isReply || interaction ? 'has-reply' : '', ephemeral ? 'ephemeral' : ''];
  return (
    <div
      className={classes.join(' ')}
      data-testid="message"
      data-message-id={message.id}
      data-author-id={message.author.id}
      data-mentioned={mentioned ? 'true' : 'false'}
      onContextMenu={(e) => {
        if (!actions) return;
        e.preventDefault();
        openMenu(e.clientX, e.clientY);
      }}
    >
      {isReply ? <ReplyPreview message={message} guildId={guildId} /> : interaction ? <InteractionHeader metadata={interaction} guildId={guildId} channelId={message.channel_id} /> : null}
      {compact ? (
        <time className="compact-time" dateTime={message.timestamp} title={formatFull(message.timestamp)}>
          {formatTime(message.timestamp)}
        </time>
      ) : null}
      {compact ? (
        <span className="author compact-author" style={color ? { color } : undefined} data-testid="message-author">
          {name}
        </span>
      ) : start ? (
        <>
          <Avatar id={message.author.id} name={name} size={40} className="gutter-avatar" />
          <h3 className="header" style={{ margin: 0, fontSize: 16, fontWeight: 400 }}>
            <span className="author" style={color ? { color } : undefined} data-testid="message-author">
              {name}
            </span>
            {message.author.bot ? <span className="bot-tag">Bot</span> : null}
            <time className="timestamp" dateTime={message.timestamp} title={formatFull(message.timestamp)}>
              {formatTimestamp(message.timestamp)}
            </time>
          </h3>
        </>
      ) : (
        <time className="gutter-time" dateTime={message.timestamp} title={formatFull(message.timestamp)}>
          {formatTime(message.timestamp)}
        </time>
      )}
      {editing ? <InlineEditor message={message} /> : isLoading(message) ? <ThinkingContent message={message} botName={name} /> : <MessageContent message={message} guildId={guildId} />}
      {message.sticker_items ? <MessageStickers raw={message.sticker_items} /> : null}
      <Attachments attachments={message.attachments} />
      {message.embeds.map((e, i) => (
        <Embed key={i} embed={e} guildId={guildId} />
      ))}
      {message.components.length > 0 && !compactPreview ? <MessageComponents message={message} /> : null}
      {message.reactions && message.reactions.length > 0 ? <Reactions message={message} /> : null}
      {ephemeral && !compactPreview ? <EphemeralMessageNote message={message} /> : null}
      {actions ? (
        <div className="message-toolbar" role="toolbar" aria-label="Message actions">
          <button
            title="Add Reaction"
            aria-label="Add Reaction"
            data-testid="toolbar-react"
            onClick={(e) => {
              const r = e.currentTarget.getBoundingClientRect();
              useUiStore.getState().setReactionPicker({ channelId: message.channel_id, messageId: message.id, x: r.left - 300, y: r.bottom + 4 });
            }}
          >
            <SmileIcon size={20} />
          </button>
          <button title="Reply" aria-label="Reply" data-testid="toolbar-reply" onClick={() => useUiStore.getState().setReplyTo(message.channel_id, message.id)}>
            <ReplyIcon size={20} />
          </button>
          {message.author.id === selfId ? (
            <button title="Edit" aria-label="Edit" data-testid="toolbar-edit" onClick={() => useUiStore.getState().setEditing({ channelId: message.channel_id, messageId: message.id })}>
              <EditIcon size={20} />
            </button>
          ) : null}
          <button
            title="More"
            aria-label="More"
            data-testid="toolbar-more"
            onClick={(e) => {
              const r = e.currentTarget.getBoundingClientRect();
              openMenu(r.left - 200, r.bottom + 4);
            }}
          >
            <MoreIcon size={20} />
          </button>
        </div>
      ) : null}
    </div>
  );
});

function MessageContent({ message, guildId }: { message: APIMessage; guildId: string | undefined }) {
  if (!message.content && !message.edited_timestamp) return null;
  const nodes = parseMarkdown(message.content);
  const big = isEmojiOnly(nodes);
  return (
    <div className={`content ${big ? 'emoji-only' : ''}`} data-testid="message-content">
      {renderNodes(nodes, guildId)}
      {message.edited_timestamp ? (
        <span className="edited" title={formatFull(message.edited_timestamp)} data-testid="edited-marker">
          (edited)
        </span>
      ) : null}
    </div>
  );
}

function ReplyPreview({ message, guildId }: { message: APIMessage; guildId: string | undefined }) {
  const ref = message.referenced_message;
  const refName = useMemberStore((s) => (ref ? displayName(s.users[ref.author.id] ?? ref.author, guildId ? s.members[guildId]?.[ref.author.id] : undefined) : ''));
  const color = useAuthorColor(guildId, ref?.author.id ?? '');
  const jump = () => {
    const id = message.message_reference?.message_id;
    if (id) window.dispatchEvent(new CustomEvent('concord:jump-to-message', { detail: { channelId: message.channel_id, messageId: id } }));
  };
  if (!ref) {
    return (
      <div className="reply-preview" data-testid="reply-preview">
        <span className="rtext" style={{ fontStyle: 'italic' }}>Original message was deleted</span>
      </div>
    );
  }
  return (
    <div className="reply-preview" data-testid="reply-preview" onClick={jump}>
      <Avatar id={ref.author.id} name={refName} size={16} />
      <span className="rauthor" style={color ? { color } : undefined}>
        @{refName}
      </span>
      <span className="rtext" data-testid="reply-preview-text">
        {ref.content ? <Markdown content={toPlainText(ref.content)} inline guildId={guildId} /> : <em>Click to see attachment</em>}
      </span>
    </div>
  );
}

function Reactions({ message }: { message: APIMessage }) {
  return (
    <div className="reactions">
      {(message.reactions ?? []).map((r: APIReaction) => {
        const key = emojiKey(r.emoji);
        const label = r.emoji.id ? `:${r.emoji.name ?? ''}:` : (r.emoji.name ?? '');
        return (
          <button
            key={key}
            className={`reaction ${r.me ? 'me' : ''}`}
            data-testid="reaction"
            data-emoji={r.emoji.name ?? ''}
            data-me={r.me ? 'true' : 'false'}
            aria-pressed={r.me}
            aria-label={`${label}, ${r.count} reaction${r.count === 1 ? '' : 's'}`}
            onClick={() => void toggleReaction(message.channel_id, message.id, r.emoji)}
          >
            {r.emoji.id ? <CustomEmoji id={r.emoji.id} name={r.emoji.name ?? ''} animated={!!r.emoji.animated} /> : <span>{label}</span>}
            <span className="count" data-testid="reaction-count">{r.count}</span>
          </button>
        );
      })}
      <button
        className="reaction add"
        aria-label="Add Reaction"
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          useUiStore.getState().setReactionPicker({ channelId: message.channel_id, messageId: message.id, x: rect.left, y: rect.bottom + 4 });
        }}
      >
        <SmileIcon size={16} />
      </button>
    </div>
  );
}

function InlineEditor({ message }: { message: APIMessage }) {
  const [text, setText] = useState(message.content);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);
  const cancel = () => useUiStore.getState().setEditing(null);
  const save = async () => {
    const content = text.trim();
    if (content === message.content.trim()) return cancel();
    if (!content) {
      setError('A message cannot be empty. Use Delete to remove it.');
      return;
    }
    try {
      await editMessage(message.channel_id, message.id, content);
      cancel();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div style={{ marginTop: 4 }}>
      <div className="composer" style={{ padding: '0 12px' }}>
        <textarea
          ref={ref}
          rows={1}
          value={text}
          data-testid="edit-input"
          aria-label="Edit message"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              cancel();
            } else if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void save();
            }
          }}
        />
      </div>
      <div style={{ fontSize: 12, color: 'var(--text-muted)', padding: '4px 0' }}>
        escape to <button style={{ color: 'var(--link)' }} onClick={cancel}>cancel</button> • enter to{' '}
        <button style={{ color: 'var(--link)' }} onClick={() => void save()}>save</button>
        {error ? <span style={{ color: 'var(--red)', marginLeft: 8 }}>{error}</span> : null}
      </div>
    </div>
  );
}

export function PendingItem({ pending, groupStart }: { pending: PendingMessage; groupStart: boolean }) {
  const user = useSessionStore((s) => s.user);
  const name = user ? user.global_name || user.username : '';
  return (
    <div className={`message ${pending.status === 'failed' ? 'failed' : 'pending'} ${groupStart ? 'group-start' : ''}`} data-testid="pending-message" data-status={pending.status}>
      {groupStart && user ? (
        <>
          <Avatar id={user.id} name={name} size={40} className="gutter-avatar" />
          <h3 className="header" style={{ margin: 0, fontSize: 16, fontWeight: 400 }}>
            <span className="author">{name}</span>
          </h3>
        </>
      ) : (
        <span className="gutter-time" />
      )}
      <div className="content">
        <Markdown content={pending.content} />
      </div>
      {pending.status === 'failed' ? (
        <div className="failed-actions" data-testid="pending-failed">
          {pending.error ?? 'Message failed to send.'}
          <button onClick={() => void retryPending(pending.channelId, pending.nonce)}>Retry</button>
          <button onClick={() => discardPending(pending.channelId, pending.nonce)}>Delete</button>
        </div>
      ) : null}
    </div>
  );
}
