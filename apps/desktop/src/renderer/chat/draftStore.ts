// Composer drafts per channel, persisted to localStorage on every change so that nothing typed
// is lost across channel switches, reconnects or a reload. Cleared on logout.
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';

const KEY = 'concord.drafts';

function load(): Record<string, string> {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch (err) {
    console.warn('drafts in localStorage are unreadable; starting empty', err);
    return {};
  }
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleSave(drafts: Record<string, string>): void {
  if (typeof localStorage === 'undefined') return;
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => localStorage.setItem(KEY, JSON.stringify(drafts)), 150);
}

export interface DraftStore {
  drafts: Record<string, string>;
  setDraft(channelId: string, text: string): void;
  clearAll(): void;
}

export const useDraftStore = create<DraftStore>()((set) => ({
  drafts: load(),
  setDraft: (channelId, text) =>
    set((s) => {
      const drafts = text ? { ...s.drafts, [channelId]: text } : withoutKey(s.drafts, channelId);
      scheduleSave(drafts);
      return { drafts };
    }),
  clearAll: () => {
    if (typeof localStorage !== 'undefined') localStorage.removeItem(KEY);
    set({ drafts: {} });
  },
}));
