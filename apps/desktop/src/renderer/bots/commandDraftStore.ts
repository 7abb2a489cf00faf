// A slash command being filled in, per channel: the chosen entry, what each option field holds,
// which optional fields were added, and the errors to show (local or the server's 50035). Kept
// per channel like message drafts, so switching channels does not lose a half-filled command.
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';
import { emptyDraft, type OptionDraft, type SlashEntry } from './slashCommands.ts';

export interface CommandDraft {
  entry: SlashEntry;
  values: Record<string, OptionDraft>;
  /** Option fields shown, in order: the required ones first, then optional ones as added. */
  shown: string[];
  focused: string | null;
  errors: Record<string, string>;
  general: string | null;
  sending: boolean;
}

export interface CommandDraftStore {
  byChannel: Record<string, CommandDraft>;
  start(channelId: string, entry: SlashEntry): void;
  cancel(channelId: string): void;
  update(channelId: string, patch: (d: CommandDraft) => Partial<CommandDraft>): void;
  setValue(channelId: string, option: string, value: OptionDraft): void;
  reset(): void;
}

export const useCommandDraftStore = create<CommandDraftStore>()((set) => ({
  byChannel: {},
  start: (channelId, entry) =>
    set((s) => {
      const shown = entry.options.filter((o) => o.required).map((o) => o.name);
      const values = Object.fromEntries(entry.options.map((o) => [o.name, emptyDraft()]));
      const draft: CommandDraft = { entry, values, shown, focused: shown[0] ?? null, errors: {}, general: null, sending: false };
      return { byChannel: { ...s.byChannel, [channelId]: draft } };
    }),
  cancel: (channelId) =>
    set((s) => {
      if (!s.byChannel[channelId]) return s;
      return { byChannel: withoutKey(s.byChannel, channelId) };
    }),
  update: (channelId, patch) =>
    set((s) => {
      const cur = s.byChannel[channelId];
      return cur ? { byChannel: { ...s.byChannel, [channelId]: { ...cur, ...patch(cur) } } } : s;
    }),
  setValue: (channelId, option, value) =>
    set((s) => {
      const cur = s.byChannel[channelId];
      if (!cur) return s;
      const errors = withoutKey(cur.errors, option);
      return { byChannel: { ...s.byChannel, [channelId]: { ...cur, values: { ...cur.values, [option]: value }, errors } } };
    }),
  reset: () => set({ byChannel: {} }),
}));
