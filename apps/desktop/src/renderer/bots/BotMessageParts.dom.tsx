// The parts of a message that only bots produce, as Discord draws them: "Alice used /echo" above
// an interaction response, "<Bot> is thinking…" for a deferred answer (LOADING) until its
// MESSAGE_UPDATE fills it in, "Only you can see this • Dismiss message" under ephemeral answers,
// and the "Sending command…" row of a command that awaits the bot's first answer.
import { MessageFlags, type APIMessage } from '@concord/protocol';
import { INTERACTION_TOKEN_TTL_MS } from '@concord/protocol';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useInteractionStore, type SentCommand } from './interactionStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import type { InteractionMetadata } from './botDecoders.ts';
import { dismissEphemeral } from './interactions.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { LoadingDots } from '../ui/LoadingDots.dom.tsx';
import { Markdown } from '../chat/Markdown.dom.tsx';
import { toPlainText } from '../chat/markdown.ts';
import { useMessageStore } from '../state/messageStore.ts';

export const isLoading = (m: APIMessage): boolean => (m.flags & MessageFlags.LOADING) !== 0;
export const isEphemeral = (m: APIMessage): boolean => (m.flags & MessageFlags.EPHEMERAL) !== 0;

/**
 * "Alice used /echo" above a command's answer. An answer to a button, select or modal quotes the
 * message that was used instead, as a reply does ("Alice used" when that message is not loaded).
 */
export function InteractionHeader({ metadata, guildId, channelId }: { metadata: InteractionMetadata; guildId: string | undefined; channelId: string }) {
  const user = metadata.user;
  const name = useMemberStore((s) => (user ? displayName(s.users[user.id] ?? user, guildId ? s.members[guildId]?.[user.id] : undefined) : 'Someone'));
  const used = useMessageStore((s) => (metadata.name === null && metadata.interactedMessageId ? s.byChannel[channelId]?.messages.find((m) => m.id === metadata.interactedMessageId) : undefined));
  const usedAuthor = useMemberStore((s) => (used ? displayName(s.users[used.author.id] ?? used.author, guildId ? s.members[guildId]?.[used.author.id] : undefined) : ''));
  if (used) {
    const jump = () => window.dispatchEvent(new CustomEvent('concord:jump-to-message', { detail: { channelId, messageId: used.id } }));
    return (
      <div className="reply-preview" data-testid="interaction-header" data-interacted-message-id={used.id} onClick={jump} title={`${name} used a component of this message`}>
        <Avatar id={used.author.id} name={usedAuthor} size={16} />
        <span className="rauthor">@{usedAuthor}</span>
        <span className="rtext">{used.content ? <Markdown content={toPlainText(used.content)} inline guildId={guildId} /> : <em>Click to see the message</em>}</span>
      </div>
    );
  }
  return (
    <div className="reply-preview interaction-header" data-testid="interaction-header">
      {user ? <Avatar id={user.id} name={name} size={16} /> : null}
      <span className="rauthor">{name}</span> used{' '}
      {metadata.name ? <span className="command-name">{metadata.commandType === 1 ? `/${metadata.name}` : metadata.name}</span> : metadata.type === 5 ? 'a form' : 'a component'}
    </div>
  );
}

/** The placeholder of a deferred answer; after the token's 15 minutes it will never be filled. */
export function ThinkingContent({ message, botName }: { message: APIMessage; botName: string }) {
  const expired = Date.now() - Date.parse(message.timestamp) > INTERACTION_TOKEN_TTL_MS;
  if (expired) {
    return (
      <div className="content interaction-failed" data-testid="interaction-expired">
        The application did not respond
      </div>
    );
  }
  return (
    <div className="content thinking" data-testid="thinking" role="status">
      <span>{botName} is thinking</span>
      <LoadingDots />
    </div>
  );
}

export function EphemeralNote({ onDismiss }: { onDismiss: () => void }) {
  return (
    <div className="ephemeral-note" data-testid="ephemeral-note">
      <EyeIcon />
      <span>Only you can see this</span> •{' '}
      <button type="button" data-testid="dismiss-ephemeral" onClick={onDismiss}>
        Dismiss message
      </button>
    </div>
  );
}

/** The note under an ephemeral bot message; dismissing only forgets it here (it was never stored). */
export function EphemeralMessageNote({ message }: { message: APIMessage }) {
  return <EphemeralNote onDismiss={() => dismissEphemeral(message.channel_id, message.id)} />;
}

function EyeIcon() {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <path d="M12 5C5.65 5 2.02 10.27 1.2 11.6a.76.76 0 0 0 0 .8C2.02 13.73 5.65 19 12 19s9.98-5.27 10.8-6.6a.76.76 0 0 0 0-.8C21.98 10.27 18.35 5 12 5Zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0-2a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z" />
    </svg>
  );
}

/** A sent command before the bot answered: the invoker's view of it, as an ephemeral row. */
export function SentCommandItem({ sent }: { sent: SentCommand }) {
  const user = useSessionStore((s) => s.user);
  const selfName = user ? user.global_name || user.username : '';
  const botId = sent.botId ?? '0';
  return (
    <div className={`message group-start has-reply sent-command ${sent.status}`} data-testid="sent-command" data-status={sent.status}>
      <div className="reply-preview interaction-header">
        {user ? <Avatar id={user.id} name={selfName} size={16} /> : null}
        <span className="rauthor">{selfName}</span> used <span className="command-name">{sent.commandName}</span>
      </div>
      <Avatar id={botId} name={sent.botName} size={40} className="gutter-avatar" />
      <h3 className="header" style={{ margin: 0, fontSize: 16, fontWeight: 400 }}>
        <span className="author">{sent.botName}</span>
        <span className="bot-tag">App</span>
      </h3>
      {sent.status === 'sending' ? (
        <div className="content thinking" role="status">
          <span>Sending command</span>
          <LoadingDots />
        </div>
      ) : (
        <div className="content interaction-failed" data-testid="sent-command-error">
          {sent.error ?? 'The application did not respond'}
        </div>
      )}
      {sent.status === 'failed' ? <EphemeralNote onDismiss={() => useInteractionStore.getState().removeSent(sent.channelId, sent.nonce)} /> : null}
    </div>
  );
}
