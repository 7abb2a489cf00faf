// Interactions in flight, as the user sees them: a command that was sent and awaits the bot's
// first answer ("Sending command…", then "The application did not respond" when none came), and
// per message the component being clicked and a failed click's notice. The server's answers
// arrive as messages through the gateway; this store holds only what has no message yet.
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';

export interface SentCommand {
  nonce: string;
  channelId: string;
  /** "/roll", or a context menu command's name. */
  commandName: string;
  botId: string | null;
  botName: string;
  status: 'sending' | 'failed';
  error: string | null;
  sentAtMs: number;
}

export interface ComponentActivity {
  /** The custom_id being answered (a spinner on that button or select). */
  busy: string | null;
  /** "This interaction failed" and why. */
  failed: string | null;
}

export interface InteractionStore {
  sent: Record<string, SentCommand[]>;
  components: Record<string, ComponentActivity>;
  addSent(c: SentCommand): void;
  failSent(channelId: string, nonce: string, error: string): void;
  removeSent(channelId: string, nonce: string): void;
  setComponentActivity(messageId: string, activity: ComponentActivity): void;
  reset(): void;
}

export const useInteractionStore = create<InteractionStore>()((set) => ({
  sent: {},
  components: {},
  addSent: (c) => set((s) => ({ sent: { ...s.sent, [c.channelId]: [...(s.sent[c.channelId] ?? []), c] } })),
  failSent: (channelId, nonce, error) =>
    set((s) => ({ sent: { ...s.sent, [channelId]: (s.sent[channelId] ?? []).map((c) => (c.nonce === nonce ? { ...c, status: 'failed', error } : c)) } })),
  removeSent: (channelId, nonce) =>
    set((s) => {
      const list = s.sent[channelId];
      if (!list?.some((c) => c.nonce === nonce)) return s;
      return { sent: { ...s.sent, [channelId]: list.filter((c) => c.nonce !== nonce) } };
    }),
  setComponentActivity: (messageId, activity) =>
    set((s) => {
      const idle = activity.busy === null && activity.failed === null;
      return { components: idle ? withoutKey(s.components, messageId) : { ...s.components, [messageId]: activity } };
    }),
  reset: () => set({ sent: {}, components: {} }),
}));
