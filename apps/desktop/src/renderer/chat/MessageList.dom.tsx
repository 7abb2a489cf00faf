// The message list of one channel: rows built from the window in the message store (day and
// "new messages" dividers, grouped messages, pending sends, commands awaiting a bot), windowed by
// VirtualScroller.
// Loads older pages near the top, acks at the bottom, offers "jump to present".
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RelationshipType, type APIMessage } from '@concord/protocol';
import { useMessageStore, type PendingMessage } from '../state/messageStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { useChannel, dmName, isDMChannel } from '../state/selectors.ts';
import { GROUP_WINDOW_MS, buildRows, type Row } from './grouping.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { formatDay } from '../ui/format.ts';
import { jumpToPresent, loadAround, loadOlder } from './channelLoader.ts';
import { setChannelAtBottom } from './readStates.ts';
import { VirtualScroller, type ScrollState, type VirtualScrollerHandle } from '../ui/VirtualScroller.dom.tsx';
import { MessageItem, PendingItem } from './MessageItem.dom.tsx';
import { SentCommandItem } from '../bots/BotMessageParts.dom.tsx';
import { useInteractionStore, type SentCommand } from '../bots/interactionStore.ts';
import { ChannelIcon } from '../guild/ChannelSidebar.dom.tsx';
import { blockedLabel, collapseBlocked, type BlockedRow } from './blockedMessages.ts';
import { useRelationshipStore } from '../dm/relationshipStore.ts';

type Item =
  | Row
  | BlockedRow
  | { kind: 'top'; key: string }
  | { kind: 'pending'; key: string; pending: PendingMessage; groupStart: boolean }
  | { kind: 'sent'; key: string; sent: SentCommand }
  | { kind: 'bottom'; key: string };

const EMPTY: APIMessage[] = [];
const NO_PENDING: PendingMessage[] = [];
const NO_SENT: SentCommand[] = [];

function estimate(item: Item): number {
  switch (item.kind) {
    case 'top':
      return 160;
    case 'day':
      return 40;
    case 'unread':
      return 18;
    case 'bottom':
      return 24;
    case 'pending':
      return item.groupStart ? 66 : 26;
    case 'sent':
      return 88;
    case 'blocked':
      return 28;
    case 'message': {
      const m = item.message;
      let h = item.groupStart ? 66 : 26;
      if (m.referenced_message || m.message_reference) h += 22;
      const lines = Math.ceil(m.content.length / 90) + (m.content.match(/\n/g)?.length ?? 0);
      h += Math.max(0, lines - 1) * 22;
      for (const a of m.attachments) h += a.width && a.height ? Math.min(300, (a.height * Math.min(400, a.width)) / a.width) + 8 : 72;
      h += m.embeds.length * 120;
      h += m.components.length * 40;
      if (m.reactions?.length) h += 30;
      return h;
    }
    default: {
      const never: never = item;
      return Number(never);
    }
  }
}

export function MessageList({ channelId }: { channelId: string }) {
  const win = useMessageStore((s) => s.byChannel[channelId]);
  const pending = useMessageStore((s) => s.pending[channelId] ?? NO_PENDING);
  const sent = useInteractionStore((s) => s.sent[channelId] ?? NO_SENT);
  const unreadMarker = useUiStore((s) => s.unreadMarker[channelId] ?? null);
  const scroller = useRef<VirtualScrollerHandle>(null);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const [detached, setDetached] = useState(false);
  const relationships = useRelationshipStore((s) => s.byUserId);
  const [shownBlocked, setShownBlocked] = useState<ReadonlySet<string>>(() => new Set());
  const messages = win?.messages ?? EMPTY;
  const hasMoreBefore = win?.hasMoreBefore ?? true;
  const hasMoreAfter = win?.hasMoreAfter ?? false;
  const phase = win?.phase ?? 'loading';

  const items = useMemo<Item[]>(() => {
    const list: Item[] = [{ kind: 'top', key: hasMoreBefore ? 'top-loading' : 'top-welcome' }];
    const rows = buildRows(messages, unreadMarker, formatDay);
    // Messages of users one has blocked collapse into "N blocked messages" rows.
    list.push(...collapseBlocked(rows, (authorId) => relationships[authorId]?.type === RelationshipType.BLOCKED, shownBlocked));
    // A pending message joins the user's group when their last message is recent, as it will once sent.
    let last = messages[messages.length - 1];
    for (const p of pending) {
      const joins = !!last && last.author.id === selfId && p.createdAtMs - Date.parse(last.timestamp) < GROUP_WINDOW_MS && !p.replyToId;
      list.push({ kind: 'pending', key: `pending-${p.nonce}`, pending: p, groupStart: !joins });
      if (!joins) last = undefined;
    }
    for (const c of sent) list.push({ kind: 'sent', key: `sent-${c.nonce}`, sent: c });
    list.push({ kind: 'bottom', key: 'bottom' });
    return list;
  }, [messages, pending, sent, unreadMarker, hasMoreBefore, selfId, relationships, shownBlocked]);

  const stateRef = useRef({ channelId, hasMoreBefore, phase, loadingOlder: win?.loadingOlder ?? false, hasMoreAfter });
  stateRef.current = { channelId, hasMoreBefore, phase, loadingOlder: win?.loadingOlder ?? false, hasMoreAfter };

  const onScrollState = useCallback((s: ScrollState) => {
    const st = stateRef.current;
    const bottom = s.atBottom && !st.hasMoreAfter;
    setChannelAtBottom(st.channelId, bottom && st.phase !== 'loading');
    const far = st.hasMoreAfter || s.distanceFromBottomPx > s.viewportPx * 2;
    setDetached((d) => (d === far ? d : far));
    if (s.scrollTopPx < 1200 && st.hasMoreBefore && !st.loadingOlder && st.phase === 'loaded') void loadOlder(st.channelId);
  }, []);

  // Scroll to a reply's original (loading the page around it when it is not in the window).
  useEffect(() => {
    const onJump = (e: Event) => {
      const detail = (e as CustomEvent<unknown>).detail;
      if (typeof detail !== 'object' || detail === null) return;
      const { channelId: cid, messageId } = detail as { channelId?: unknown; messageId?: unknown };
      if (cid !== channelId || typeof messageId !== 'string') return;
      if (scroller.current?.scrollToKey(messageId)) return flash(messageId);
      void loadAround(channelId, messageId).then((ok) => {
        if (ok) requestAnimationFrame(() => scroller.current?.scrollToKey(messageId) && flash(messageId));
      });
    };
    window.addEventListener('concord:jump-to-message', onJump);
    return () => window.removeEventListener('concord:jump-to-message', onJump);
  }, [channelId]);

  const renderItem = useCallback((item: Item) => {
    switch (item.kind) {
      case 'top':
        return item.key === 'top-loading' ? <div className="loading-older">Loading messages…</div> : <ChannelWelcome channelId={channelId} />;
      case 'day':
        return (
          <div className="day-divider" role="separator">
            <span>{item.label}</span>
          </div>
        );
      case 'unread':
        return (
          <div className="unread-divider" role="separator" data-testid="new-messages-divider">
            <span>New</span>
          </div>
        );
      case 'message':
        return <MessageItem message={item.message} groupStart={item.groupStart} />;
      case 'pending':
        return <PendingItem pending={item.pending} groupStart={item.groupStart} />;
      case 'sent':
        return <SentCommandItem sent={item.sent} />;
      case 'blocked':
        return (
          <div className="blocked-messages" data-testid="blocked-messages">
            <span>{blockedLabel(item.count)}</span>
            <span aria-hidden="true">—</span>
            <button
              data-testid="toggle-blocked-messages"
              onClick={() =>
                setShownBlocked((prev) => {
                  const next = new Set(prev);
                  if (!next.delete(item.key)) next.add(item.key);
                  return next;
                })
              }
            >
              {item.expanded ? (item.count === 1 ? 'Hide message' : 'Hide messages') : item.count === 1 ? 'Show message' : 'Show messages'}
            </button>
          </div>
        );
      case 'bottom':
        return <div style={{ height: 24 }} />;
      default: {
        const never: never = item;
        return String(never);
      }
    }
  }, [channelId]);

  return (
    <>
      <VirtualScroller items={items} estimateHeight={estimate} renderItem={renderItem} onScrollState={onScrollState} handleRef={scroller} testId="message-list" />
      {detached || hasMoreAfter ? (
        <button
          className="jump-present"
          data-testid="jump-to-present"
          onClick={() => {
            void (async () => {
              if (stateRef.current.hasMoreAfter) await jumpToPresent(channelId);
              requestAnimationFrame(() => scroller.current?.scrollToBottom());
            })();
          }}
        >
          <span>You&apos;re viewing older messages</span>
          <span>Jump To Present ↓</span>
        </button>
      ) : null}
    </>
  );
}

function flash(messageId: string): void {
  requestAnimationFrame(() => {
    const el = document.querySelector(`[data-message-id="${messageId}"]`);
    if (!(el instanceof HTMLElement)) return;
    el.animate([{ background: 'var(--mention-bg)' }, { background: 'transparent' }], { duration: 1600 });
  });
}

function ChannelWelcome({ channelId }: { channelId: string }) {
  const channel = useChannel(channelId);
  if (!channel) return null;
  const isDM = isDMChannel(channel);
  return (
    <div className="channel-welcome" data-testid="channel-welcome">
      <div className="big-icon">{isDM ? <span style={{ fontSize: 32 }}>@</span> : <ChannelIcon channel={channel} size={42} />}</div>
      <h1>{isDM ? dmName(channel) : `Welcome to #${channel.name ?? ''}!`}</h1>
      <p>{isDM ? `This is the beginning of your direct message history with ${dmName(channel)}.` : `This is the start of the #${channel.name ?? ''} channel.`}</p>
    </div>
  );
}
