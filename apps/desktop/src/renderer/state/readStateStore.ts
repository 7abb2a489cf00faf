// Read states: the last message the user has seen in each channel and how many unseen mentions
// it holds. Seeded from READY, moved by our own acks and by MESSAGE_ACK from other sessions.
import { create } from 'zustand';
import type { APIReadState } from '@concord/protocol';
import { compareSnowflakes } from '@concord/protocol';

export interface ReadState {
  lastMessageId: string | null;
  mentionCount: number;
}

export interface ReadStateStore {
  readStates: Record<string, ReadState>;
  load(entries: APIReadState[]): void;
  /** Moves the read marker forward (never backward) and sets the mention count. */
  markRead(channelId: string, messageId: string, mentionCount?: number): void;
  addMention(channelId: string): void;
  reset(): void;
}

export const useReadStateStore = create<ReadStateStore>()((set) => ({
  readStates: {},
  load: (entries) => {
    const readStates: Record<string, ReadState> = {};
    for (const e of entries) readStates[e.id] = { lastMessageId: e.last_message_id, mentionCount: e.mention_count };
    set({ readStates });
  },
  markRead: (channelId, messageId, mentionCount = 0) =>
    set((s) => {
      const prev = s.readStates[channelId];
      const forward = !prev?.lastMessageId || compareSnowflakes(messageId, prev.lastMessageId) >= 0;
      const lastMessageId = forward ? messageId : prev.lastMessageId;
      if (prev && prev.lastMessageId === lastMessageId && prev.mentionCount === mentionCount) return s;
      return { readStates: { ...s.readStates, [channelId]: { lastMessageId, mentionCount } } };
    }),
  addMention: (channelId) =>
    set((s) => {
      const prev = s.readStates[channelId] ?? { lastMessageId: null, mentionCount: 0 };
      return { readStates: { ...s.readStates, [channelId]: { ...prev, mentionCount: prev.mentionCount + 1 } } };
    }),
  reset: () => set({ readStates: {} }),
}));

/** A channel is unread when its newest message is newer than the user's read marker. */
export function isUnread(lastMessageId: string | null | undefined, readState: ReadState | undefined): boolean {
  if (!lastMessageId) return false;
  if (!readState?.lastMessageId) return true;
  return compareSnowflakes(lastMessageId, readState.lastMessageId) > 0;
}
