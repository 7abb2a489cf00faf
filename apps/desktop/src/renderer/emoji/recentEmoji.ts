// The picker's "Recently Used" row: the last emoji picked (Unicode characters and custom emoji),
// newest first, kept in localStorage so it survives reloads. The stored text is parsed through a
// schema on load: anything else there reads as an empty list.
import { z } from 'zod';
import { create } from 'zustand';
import { parseJsonWith } from '../state/parseJsonWith.ts';

const KEY = 'concord.emoji.recent';
export const MAX_RECENT = 24;

export type RecentEmoji = { kind: 'unicode'; char: string; name: string } | { kind: 'custom'; id: string; name: string; animated: boolean };

const RecentSchema = z
  .array(
    z.union([
      z.object({ kind: z.literal('unicode'), char: z.string().min(1).max(16), name: z.string().max(32) }),
      z.object({ kind: z.literal('custom'), id: z.string().regex(/^\d{1,20}$/), name: z.string().min(1).max(32), animated: z.boolean() }),
    ]),
  )
  .max(100);

export const recentKey = (e: RecentEmoji): string => (e.kind === 'custom' ? e.id : e.char);

/** Puts `e` first, without duplicates, at most MAX_RECENT long. */
export function pushRecent(list: readonly RecentEmoji[], e: RecentEmoji): RecentEmoji[] {
  const key = recentKey(e);
  return [e, ...list.filter((x) => recentKey(x) !== key)].slice(0, MAX_RECENT);
}

function load(): RecentEmoji[] {
  if (typeof localStorage === 'undefined') return [];
  return parseJsonWith(RecentSchema, localStorage.getItem(KEY)) ?? [];
}

interface RecentStore {
  recent: RecentEmoji[];
  use(e: RecentEmoji): void;
}

export const useRecentEmoji = create<RecentStore>()((set, get) => ({
  recent: load(),
  use: (e) => {
    const recent = pushRecent(get().recent, e);
    set({ recent });
    try {
      localStorage.setItem(KEY, JSON.stringify(recent));
    } catch (err) {
      // A full or disabled storage only loses the list across reloads; the session keeps it.
      console.warn('could not store recent emoji', err);
    }
  },
}));
