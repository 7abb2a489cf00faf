// Acknowledging channels: a channel is marked read when the user is looking at its bottom in a
// visible window. The local marker moves at once; the POST .../ack is debounced per channel.
import { useGuildStore } from '../state/guildStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { isUnread, useReadStateStore } from '../state/readStateStore.ts';
import { currentChannelId } from '../state/uiStore.ts';
import { maybeSession } from '../session/currentSession.ts';
import { refreshBadgeCount } from './notifications.ts';

const ACK_DEBOUNCE_MS = 400;
const atBottom = new Map<string, boolean>();
const ackTimers = new Map<string, ReturnType<typeof setTimeout>>();

export function isViewingChannel(channelId: string): boolean {
  return (
    currentChannelId() === channelId &&
    typeof document !== 'undefined' &&
    document.visibilityState === 'visible' &&
    document.hasFocus() &&
    atBottom.get(channelId) === true
  );
}

export function setChannelAtBottom(channelId: string, bottom: boolean): void {
  atBottom.set(channelId, bottom);
  if (bottom) ackChannel(channelId);
}

export function ackChannel(channelId: string): void {
  // Like Discord: only what the user can actually be looking at counts as read.
  if (typeof document !== 'undefined' && (document.visibilityState !== 'visible' || !document.hasFocus())) return;
  const channel = useGuildStore.getState().channels[channelId];
  const window = useMessageStore.getState().byChannel[channelId];
  if (!channel || !window || window.hasMoreAfter || window.phase === 'loading') return;
  const lastLoaded = window.messages[window.messages.length - 1]?.id;
  const target = channel.last_message_id ?? lastLoaded;
  if (!target) return;
  const rs = useReadStateStore.getState().readStates[channelId];
  if (!isUnread(target, rs) && (rs?.mentionCount ?? 0) === 0) return;
  useReadStateStore.getState().markRead(channelId, target, 0);
  refreshBadgeCount();
  const existing = ackTimers.get(channelId);
  if (existing) clearTimeout(existing);
  ackTimers.set(
    channelId,
    setTimeout(() => {
      ackTimers.delete(channelId);
      const session = maybeSession();
      if (!session) return;
      const id = useReadStateStore.getState().readStates[channelId]?.lastMessageId;
      if (id) session.api.ack(channelId, id).catch((err: unknown) => console.warn('ack failed', err));
    }, ACK_DEBOUNCE_MS),
  );
}

/** Called when the window regains focus or visibility: ack what is on screen. */
export function ackVisibleChannel(): void {
  const id = currentChannelId();
  if (id && atBottom.get(id)) ackChannel(id);
}
