// What the overlay window shows beyond the shared stores: its state from main (interactive, the
// game, who speaks in the app window's voice connection) and the notifications it collected.
import { create } from 'zustand';
import type { OverlayState } from '../../shared/hotkeysBridge.ts';

export interface OverlayNotification {
  id: number;
  title: string;
  body: string;
  channelId: string;
  atMs: number;
}

/** How long a notification stays in the corner, and how many at most. */
export const NOTIFICATION_TTL_MS = 8_000;
const NOTIFICATIONS_MAX = 4;

interface OverlayStore {
  state: OverlayState;
  notifications: readonly OverlayNotification[];
  /** The text channel the unlocked chat shows: the last one notified, else the voice guild's default. */
  chatChannelId: string | null;
  setState(state: OverlayState): void;
  notify(notification: Omit<OverlayNotification, 'id' | 'atMs'>): void;
  expire(nowMs: number): void;
}

let nextId = 1;

export const useOverlayStore = create<OverlayStore>()((set) => ({
  state: { interactive: false, game: null, speaking: [] },
  notifications: [],
  chatChannelId: null,
  setState: (state) => set({ state }),
  notify: (n) => set((s) => ({ notifications: [...s.notifications, { ...n, id: nextId++, atMs: Date.now() }].slice(-NOTIFICATIONS_MAX), chatChannelId: n.channelId })),
  expire: (nowMs) => set((s) => (s.notifications.some((n) => nowMs - n.atMs > NOTIFICATION_TTL_MS) ? { notifications: s.notifications.filter((n) => nowMs - n.atMs <= NOTIFICATION_TTL_MS) } : s)),
}));
