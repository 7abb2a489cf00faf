// The channel open flow: paint the newest cached page from the platform cache at once, then ask
// the server only for what is newer (`?after=<newest cached id>`), merge, and write the page back
// to the cache. When the server cannot be reached the cached history stays, under a banner.
import { RestError } from '@concord/client';
import { DISCORD_EPOCH_MS, type APIMessage } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { isUnread, useReadStateStore } from '../state/readStateStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { currentChannelId, useUiStore } from '../state/uiStore.ts';
import { maybeSession } from '../session/currentSession.ts';
import { isMessageList } from '../session/decoders.ts';

export const PAGE_SIZE = 50;
const AFTER_PAGE_SIZE = 100;

/** A failure that means "the server is unreachable" rather than "the server said no". */
export function isNetworkFailure(err: unknown): boolean {
  if (err instanceof RestError) return err.status >= 500 || err.status === 0;
  return err instanceof TypeError || (err instanceof DOMException && err.name === 'AbortError');
}

const syncing = new Map<string, Promise<void>>();
const opening = new Map<string, Promise<void>>();

/** How many channel windows stay in memory; older ones are dropped (the cache keeps them). */
export const MAX_OPEN_WINDOWS = 25;
const recentlyOpened: string[] = [];

function touchWindow(channelId: string): void {
  const i = recentlyOpened.indexOf(channelId);
  if (i >= 0) recentlyOpened.splice(i, 1);
  recentlyOpened.unshift(channelId);
  while (recentlyOpened.length > MAX_OPEN_WINDOWS) {
    const evicted = recentlyOpened.pop()!;
    if (evicted !== currentChannelId()) useMessageStore.getState().dropChannel(evicted);
  }
}

/** Opens a channel (several callers may ask at once: they share one open). */
export function openChannel(channelId: string): Promise<void> {
  const running = opening.get(channelId);
  if (running) return running;
  const p = doOpenChannel(channelId).finally(() => opening.delete(channelId));
  opening.set(channelId, p);
  return p;
}

async function doOpenChannel(channelId: string): Promise<void> {
  const session = maybeSession();
  if (!session) return;
  touchWindow(channelId);
  const channel = useGuildStore.getState().channels[channelId];
  const readState = useReadStateStore.getState().readStates[channelId];
  useUiStore.getState().setUnreadMarker(channelId, channel && isUnread(channel.last_message_id, readState) ? (readState?.lastMessageId ?? '0') : null);

  const store = useMessageStore.getState();
  if (!store.byChannel[channelId]) {
    store.beginLoad(channelId);
    try {
      const cached: unknown = await session.bridge.cache.getMessages(channelId, PAGE_SIZE);
      if (isMessageList(cached) && cached.length > 0) useMessageStore.getState().setCached(channelId, cached);
    } catch (err) {
      console.warn('cache read failed; loading from the server only', err);
    }
  }
  await syncLatest(channelId);
}

/** Brings a channel window up to the present from the server (after a reconnect, too). */
export function syncLatest(channelId: string): Promise<void> {
  const running = syncing.get(channelId);
  if (running) return running;
  const p = doSyncLatest(channelId).finally(() => syncing.delete(channelId));
  syncing.set(channelId, p);
  return p;
}

async function doSyncLatest(channelId: string): Promise<void> {
  const session = maybeSession();
  if (!session) return;
  const cur = useMessageStore.getState().byChannel[channelId];
  const attached = cur && !cur.hasMoreAfter;
  const newest = attached ? cur.messages[cur.messages.length - 1]?.id : undefined;
  try {
    let page: unknown;
    let replace = false;
    let hasMoreBefore = true;
    if (newest) {
      page = await session.api.getMessages(channelId, { after: newest, limit: AFTER_PAGE_SIZE });
      if (isMessageList(page) && page.length >= AFTER_PAGE_SIZE) {
        // Too much happened while away: start again from the newest page.
        page = await session.api.getMessages(channelId, { limit: PAGE_SIZE });
        replace = true;
        hasMoreBefore = isMessageList(page) && page.length >= PAGE_SIZE;
      }
    } else {
      page = await session.api.getMessages(channelId, { limit: PAGE_SIZE });
      replace = true;
      hasMoreBefore = isMessageList(page) && page.length >= PAGE_SIZE;
    }
    if (!isMessageList(page)) throw new Error(`malformed message page for ${channelId}`);
    useMessageStore.getState().mergeLatest(channelId, page, { replace, hasMoreBefore });
    useSessionStore.getState().setApiReachable(true);
    if (page.length > 0) await session.bridge.cache.putMessages(channelId, page);
  } catch (err) {
    if (isNetworkFailure(err)) {
      useMessageStore.getState().setOffline(channelId, true);
      useSessionStore.getState().setApiReachable(false);
      return;
    }
    console.warn(`could not load messages of ${channelId}`, err);
    // Missing access or an unknown channel: show an empty, settled window rather than a spinner.
    useMessageStore.getState().mergeLatest(channelId, [], { replace: true, hasMoreBefore: false });
  }
}

export async function loadOlder(channelId: string): Promise<void> {
  const session = maybeSession();
  const cur = useMessageStore.getState().byChannel[channelId];
  if (!session || !cur || cur.loadingOlder || !cur.hasMoreBefore) return;
  const oldest = cur.messages[0]?.id;
  if (!oldest) return;
  useMessageStore.getState().setLoadingOlder(channelId, true);
  try {
    const page: unknown = await session.api.getMessages(channelId, { before: oldest, limit: PAGE_SIZE });
    if (!isMessageList(page)) throw new Error('malformed message page');
    useMessageStore.getState().prependOlder(channelId, page, page.length >= PAGE_SIZE);
    if (page.length > 0) await session.bridge.cache.putMessages(channelId, page);
  } catch (err) {
    useMessageStore.getState().setLoadingOlder(channelId, false);
    if (isNetworkFailure(err)) useSessionStore.getState().setApiReachable(false);
    else console.warn('loading older messages failed', err);
  }
}

/** Drops a detached window and loads the newest page again. */
export async function jumpToPresent(channelId: string): Promise<void> {
  const session = maybeSession();
  if (!session) return;
  try {
    const page: unknown = await session.api.getMessages(channelId, { limit: PAGE_SIZE });
    if (!isMessageList(page)) throw new Error('malformed message page');
    useMessageStore.getState().mergeLatest(channelId, page, { replace: true, hasMoreBefore: page.length >= PAGE_SIZE });
  } catch (err) {
    if (isNetworkFailure(err)) useSessionStore.getState().setApiReachable(false);
    else console.warn('jump to present failed', err);
  }
}

/** Loads the page around a message (a reply's original that is not in the window). */
export async function loadAround(channelId: string, messageId: string): Promise<boolean> {
  const session = maybeSession();
  if (!session) return false;
  try {
    const page: unknown = await session.api.getMessages(channelId, { around: messageId, limit: PAGE_SIZE });
    if (!isMessageList(page) || page.length === 0) return false;
    const channel = useGuildStore.getState().channels[channelId];
    const newest = page.reduce<APIMessage>((a, b) => (BigInt(b.id) > BigInt(a.id) ? b : a), page[0]!);
    const atPresent = !channel?.last_message_id || BigInt(newest.id) >= BigInt(channel.last_message_id);
    useMessageStore.setState((s) => ({
      byChannel: {
        ...s.byChannel,
        [channelId]: {
          messages: [...page].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)),
          phase: 'loaded',
          hasMoreBefore: true,
          hasMoreAfter: !atPresent,
          loadingOlder: false,
          offline: false,
        },
      },
    }));
    return true;
  } catch (err) {
    console.warn('could not load the message', err);
    return false;
  }
}

export async function refreshOpenChannel(): Promise<void> {
  const channelId = currentChannelId();
  if (!channelId) return;
  if (useMessageStore.getState().byChannel[channelId]) await syncLatest(channelId);
  else await openChannel(channelId);
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTimeMs(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;
}
