// A CALL message (type 3) in the message list, worded as Discord's client does: "X started a call
// that lasted N minutes." (green phone), or for a recipient who never joined "You missed a call from
// X that lasted ..." (red phone). Participants and the end come from the message's `call`.
import { useMemo } from 'react';
import type { APIMessage } from '@concord/protocol';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { formatTimestamp } from '../ui/format.ts';
import { decodeMessageCall } from './callDecoders.ts';
import { PhoneCallIcon } from './CallIcons.dom.tsx';
import { callLastedText, callMessageKind, callMessageSentence } from './callText.ts';
import './call.css';

export function CallMessage({ message }: { message: APIMessage }) {
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const user = useMemberStore((s) => s.users[message.author.id]);
  const call = useMemo(() => decodeMessageCall(message.call) ?? { participants: [message.author.id], endedAtMs: null }, [message.call, message.author.id]);
  const name = displayName(user ?? message.author);
  const startedAtMs = Date.parse(message.timestamp);
  const kind = callMessageKind(call, message.author.id, selfId);
  const lasted = callLastedText(call, startedAtMs);
  return (
    <div className="message group-start call-message" data-testid="message" data-message-id={message.id} data-call-kind={kind} aria-label={callMessageSentence(call, startedAtMs, kind, name)}>
      <span className={`gutter-time call-message-icon ${kind}`}>
        <PhoneCallIcon size={18} />
      </span>
      <span className="system" data-testid="call-message-text">
        {kind === 'missed' ? (
          <>
            You missed a call from <span className="author">{name}</span>
            {lasted}.
          </>
        ) : (
          <>
            <span className="author">{name}</span> started a call{lasted}.
          </>
        )}{' '}
        <span className="timestamp">{formatTimestamp(message.timestamp)}</span>
      </span>
    </div>
  );
}
