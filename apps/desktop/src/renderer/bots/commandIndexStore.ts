// The slash commands each guild offers this user (GET /guilds/:id/application-command-index),
// flattened into picker entries once per fetch. Loaded when the "/" picker opens, refreshed when
// it opens again after a while (bots register and change commands without telling users).
import { create } from 'zustand';
import type { CommandIndex } from './botDecoders.ts';
import { slashEntries, type SlashEntry } from './slashCommands.ts';

export type GuildCommands =
  | { status: 'loading'; entries: SlashEntry[]; index: CommandIndex | null; fetchedAtMs: number }
  | { status: 'ready'; entries: SlashEntry[]; index: CommandIndex; fetchedAtMs: number }
  | { status: 'failed'; entries: SlashEntry[]; index: CommandIndex | null; fetchedAtMs: number; error: string };

export interface CommandIndexStore {
  byGuild: Record<string, GuildCommands>;
  setLoading(guildId: string, nowMs: number): void;
  setIndex(guildId: string, index: CommandIndex, nowMs: number): void;
  setFailed(guildId: string, error: string, nowMs: number): void;
  reset(): void;
}

export const useCommandIndexStore = create<CommandIndexStore>()((set) => ({
  byGuild: {},
  setLoading: (guildId, nowMs) =>
    set((s) => {
      const prev = s.byGuild[guildId];
      return { byGuild: { ...s.byGuild, [guildId]: { status: 'loading', entries: prev?.entries ?? [], index: prev?.index ?? null, fetchedAtMs: prev?.fetchedAtMs ?? nowMs } } };
    }),
  setIndex: (guildId, index, nowMs) => set((s) => ({ byGuild: { ...s.byGuild, [guildId]: { status: 'ready', entries: slashEntries(index), index, fetchedAtMs: nowMs } } })),
  setFailed: (guildId, error, nowMs) =>
    set((s) => {
      const prev = s.byGuild[guildId];
      return { byGuild: { ...s.byGuild, [guildId]: { status: 'failed', entries: prev?.entries ?? [], index: prev?.index ?? null, fetchedAtMs: nowMs, error } } };
    }),
  reset: () => set({ byGuild: {} }),
}));
