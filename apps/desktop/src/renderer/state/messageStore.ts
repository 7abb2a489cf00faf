// Messages per channel as a bounded window (ascending by id). A window is either attached to the
// present (live messages append to it) or detached after scrolling far back (`hasMoreAfter`), in
// which case live messages are not appended and "jump to present" reloads the newest page.
// Windows never hold more than `maxMessagesPerChannel` messages: the far end is trimmed.
import { create } from 'zustand';
import type { APIMessage } from '@concord/protocol';
import { compareSnowflakes } from '@concord/protocol';
import { withoutKey } from './records.ts';

export interface ChannelMessages {
  messages: APIMessage[];
  /** 'cached': painted from the local cache and not yet confirmed by the server. */
  phase: 'loading' | 'cached' | 'loaded';
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
  loadingOlder: boolean;
  /** The last network fetch for this channel failed: cached history is shown. */
  offline: boolean;
}

export interface PendingMessage {
  nonce: string;
  channelId: string;
  content: string;
  replyToId: string | null;
  status: 'sending' | 'failed';
  error: string | null;
  createdAtMs: number;
}

export interface MessageStore {
  maxMessagesPerChannel: number;
  byChannel: Record<string, ChannelMessages>;
  pending: Record<string, PendingMessage[]>;
  pins: Record<string, APIMessage[]>;
  beginLoad(channelId: string): void;
  /** Cache-first paint; ignored once the network page has arrived. */
  setCached(channelId: string, messages: APIMessage[]): void;
  /** Merges a page of newer messages from the server; `replace` drops the current window. */
  mergeLatest(channelId: string, messages: APIMessage[], options: { replace: boolean; hasMoreBefore: boolean }): void;
  setOffline(channelId: string, offline: boolean): void;
  setLoadingOlder(channelId: string, loading: boolean): void;
  prependOlder(channelId: string, messages: APIMessage[], hasMoreBefore: boolean): void;
  /** A live MESSAGE_CREATE; returns whether it was added to a window. */
  addLive(message: APIMessage): boolean;
  updateMessage(channelId: string, messageId: string, update: (m: APIMessage) => APIMessage): APIMessage | null;
  deleteMessages(channelId: string, ids: string[]): void;
  addPending(p: PendingMessage): void;
  setPendingStatus(channelId: string, nonce: string, status: PendingMessage['status'], error: string | null): void;
  removePending(channelId: string, nonce: string): void;
  setPins(channelId: string, pins: APIMessage[]): void;
  dropChannel(channelId: string): void;
  reset(): void;
}

const emptyChannel = (): ChannelMessages => ({
  messages: [],
  phase: 'loading',
  hasMoreBefore: true,
  hasMoreAfter: false,
  loadingOlder: false,
  offline: false,
});

/** Union of two id-sorted lists; on duplicates the entry from `incoming` wins. */
export function mergeMessages(current: readonly APIMessage[], incoming: readonly APIMessage[]): APIMessage[] {
  if (incoming.length === 0) return current.slice();
  const byId = new Map<string, APIMessage>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => compareSnowflakes(a.id, b.id));
}

function patchChannel(s: MessageStore, channelId: string, patch: Partial<ChannelMessages>): Pick<MessageStore, 'byChannel'> {
  const prev = s.byChannel[channelId] ?? emptyChannel();
  return { byChannel: { ...s.byChannel, [channelId]: { ...prev, ...patch } } };
}

export const useMessageStore = create<MessageStore>()((set, get) => ({
  maxMessagesPerChannel: 600,
  byChannel: {},
  pending: {},
  pins: {},
  beginLoad: (channelId) =>
    set((s) => (s.byChannel[channelId] ? s : { byChannel: { ...s.byChannel, [channelId]: emptyChannel() } })),
  setCached: (channelId, messages) =>
    set((s) => {
      const prev = s.byChannel[channelId];
      if (prev && prev.phase === 'loaded') return s;
      return patchChannel(s, channelId, { messages: mergeMessages(prev?.messages ?? [], messages), phase: 'cached' });
    }),
  mergeLatest: (channelId, messages, { replace, hasMoreBefore }) =>
    set((s) => {
      const prev = s.byChannel[channelId] ?? emptyChannel();
      let merged = replace ? mergeMessages([], messages) : mergeMessages(prev.messages, messages);
      let more = replace ? hasMoreBefore : prev.phase === 'loaded' ? prev.hasMoreBefore : hasMoreBefore || merged.length > messages.length;
      if (merged.length > s.maxMessagesPerChannel) {
        merged = merged.slice(merged.length - s.maxMessagesPerChannel);
        more = true;
      }
      return patchChannel(s, channelId, { messages: merged, phase: 'loaded', hasMoreBefore: more, hasMoreAfter: false, offline: false });
    }),
  setOffline: (channelId, offline) => set((s) => patchChannel(s, channelId, { offline })),
  setLoadingOlder: (channelId, loadingOlder) => set((s) => patchChannel(s, channelId, { loadingOlder })),
  prependOlder: (channelId, messages, hasMoreBefore) =>
    set((s) => {
      const prev = s.byChannel[channelId] ?? emptyChannel();
      let merged = mergeMessages(prev.messages, messages);
      let hasMoreAfter = prev.hasMoreAfter;
      if (merged.length > s.maxMessagesPerChannel) {
        merged = merged.slice(0, s.maxMessagesPerChannel);
        hasMoreAfter = true;
      }
      return patchChannel(s, channelId, { messages: merged, hasMoreBefore, hasMoreAfter, loadingOlder: false });
    }),
  addLive: (message) => {
    const prev = get().byChannel[message.channel_id];
    if (!prev || prev.hasMoreAfter) return false;
    set((s) => {
      const cur = s.byChannel[message.channel_id];
      if (!cur) return s;
      const last = cur.messages[cur.messages.length - 1];
      let messages: APIMessage[];
      if (!last || compareSnowflakes(message.id, last.id) > 0) messages = [...cur.messages, message];
      else messages = mergeMessages(cur.messages, [message]);
      let hasMoreBefore = cur.hasMoreBefore;
      if (messages.length > s.maxMessagesPerChannel) {
        messages = messages.slice(messages.length - s.maxMessagesPerChannel);
        hasMoreBefore = true;
      }
      return patchChannel(s, message.channel_id, { messages, hasMoreBefore });
    });
    return true;
  },
  updateMessage: (channelId, messageId, update) => {
    const cur = get().byChannel[channelId];
    const index = cur ? cur.messages.findIndex((m) => m.id === messageId) : -1;
    const pins = get().pins[channelId];
    const pinIndex = pins ? pins.findIndex((m) => m.id === messageId) : -1;
    if (!cur || index < 0) {
      if (pins && pinIndex >= 0) {
        const updatedPin = update(pins[pinIndex]!);
        set((s) => ({ pins: { ...s.pins, [channelId]: pins.map((m, i) => (i === pinIndex ? updatedPin : m)) } }));
      }
      return null;
    }
    const updated = update(cur.messages[index]!);
    set((s) => {
      const messages = cur.messages.slice();
      messages[index] = updated;
      const next: Partial<MessageStore> = patchChannel(s, channelId, { messages });
      if (pins && pinIndex >= 0) next.pins = { ...s.pins, [channelId]: pins.map((m, i) => (i === pinIndex ? updated : m)) };
      return next;
    });
    return updated;
  },
  deleteMessages: (channelId, ids) =>
    set((s) => {
      const cur = s.byChannel[channelId];
      const drop = new Set(ids);
      const next: Partial<MessageStore> = {};
      if (cur) next.byChannel = { ...s.byChannel, [channelId]: { ...cur, messages: cur.messages.filter((m) => !drop.has(m.id)) } };
      const pins = s.pins[channelId];
      if (pins) next.pins = { ...s.pins, [channelId]: pins.filter((m) => !drop.has(m.id)) };
      return next;
    }),
  addPending: (p) => set((s) => ({ pending: { ...s.pending, [p.channelId]: [...(s.pending[p.channelId] ?? []), p] } })),
  setPendingStatus: (channelId, nonce, status, error) =>
    set((s) => ({
      pending: { ...s.pending, [channelId]: (s.pending[channelId] ?? []).map((p) => (p.nonce === nonce ? { ...p, status, error } : p)) },
    })),
  removePending: (channelId, nonce) =>
    set((s) => {
      const list = s.pending[channelId];
      if (!list?.some((p) => p.nonce === nonce)) return s;
      return { pending: { ...s.pending, [channelId]: list.filter((p) => p.nonce !== nonce) } };
    }),
  setPins: (channelId, pins) => set((s) => ({ pins: { ...s.pins, [channelId]: pins } })),
  dropChannel: (channelId) =>
    set((s) => {
      return { byChannel: withoutKey(s.byChannel, channelId) };
    }),
  reset: () => set({ byChannel: {}, pending: {}, pins: {} }),
}));
