// Who is typing where. Entries expire 10 s after the last TYPING_START (Discord's rule) or as
// soon as that user's message arrives.
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';

export const TYPING_TIMEOUT_MS = 10_000;

export interface TypingStore {
  typing: Record<string, Record<string, number>>;
  startTyping(channelId: string, userId: string, nowMs: number): void;
  stopTyping(channelId: string, userId: string): void;
  expire(nowMs: number): void;
}

export const useTypingStore = create<TypingStore>()((set) => ({
  typing: {},
  startTyping: (channelId, userId, nowMs) =>
    set((s) => ({ typing: { ...s.typing, [channelId]: { ...s.typing[channelId], [userId]: nowMs + TYPING_TIMEOUT_MS } } })),
  stopTyping: (channelId, userId) =>
    set((s) => {
      const channel = s.typing[channelId];
      if (!channel?.[userId]) return s;
      return { typing: { ...s.typing, [channelId]: withoutKey(channel, userId) } };
    }),
  expire: (nowMs) =>
    set((s) => {
      let changed = false;
      const typing: Record<string, Record<string, number>> = {};
      for (const [channelId, users] of Object.entries(s.typing)) {
        const kept: Record<string, number> = {};
        for (const [userId, until] of Object.entries(users)) {
          if (until > nowMs) kept[userId] = until;
          else changed = true;
        }
        typing[channelId] = kept;
      }
      return changed ? { typing } : s;
    }),
}));
