// Which custom emoji the signed-in user may use in a given place, in the order a `:name:` clash
// is resolved (the current server's first, then the others in rail order): one list for the
// composer's send path, autocomplete and the picker.
import { useMemo } from 'react';
import { useGuildStore } from '../state/guildStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useExpressionStore } from './expressionStore.ts';
import { emojiLock, type EmojiLock, type GuildEmoji, type UseContext } from './expressions.ts';

export interface PlacedEmoji {
  guildId: string;
  emoji: GuildEmoji;
  lock: EmojiLock;
}

interface Inputs {
  emojis: Record<string, GuildEmoji[]>;
  guildOrder: readonly string[];
  selfRoles: (guildId: string) => readonly string[] | undefined;
  premiumType: number;
}

/** Every known guild emoji with its lock for `currentGuildId` (null: a DM), current guild first. */
export function placeEmoji(currentGuildId: string | null, inputs: Inputs): PlacedEmoji[] {
  const order = [...(currentGuildId ? [currentGuildId] : []), ...inputs.guildOrder.filter((g) => g !== currentGuildId)];
  const out: PlacedEmoji[] = [];
  for (const guildId of order) {
    const ctx: UseContext = { currentGuildId, premiumType: inputs.premiumType, memberRoles: inputs.selfRoles(guildId) };
    for (const emoji of inputs.emojis[guildId] ?? []) out.push({ guildId, emoji, lock: emojiLock(emoji, guildId, ctx) });
  }
  return out;
}

function currentInputs(): Inputs {
  const selfId = useSessionStore.getState().user?.id ?? '';
  const members = useMemberStore.getState().members;
  return {
    emojis: useExpressionStore.getState().emojis,
    guildOrder: useGuildStore.getState().guildOrder,
    selfRoles: (g) => members[g]?.[selfId]?.roles,
    premiumType: useSessionStore.getState().user?.premium_type ?? 0,
  };
}

/** The usable ones, for turning `:name:` into markup when a message is sent. */
export function usableCustomEmoji(currentGuildId: string | null): { id: string; name: string; animated: boolean }[] {
  return placeEmoji(currentGuildId, currentInputs())
    .filter((p) => p.lock === null)
    .map((p) => ({ id: p.emoji.id, name: p.emoji.name, animated: p.emoji.animated }));
}

export function usePlacedEmoji(currentGuildId: string | null): PlacedEmoji[] {
  const emojis = useExpressionStore((s) => s.emojis);
  const guildOrder = useGuildStore((s) => s.guildOrder);
  const premiumType = useSessionStore((s) => s.user?.premium_type ?? 0);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const members = useMemberStore((s) => s.members);
  return useMemo(
    () => placeEmoji(currentGuildId, { emojis, guildOrder, premiumType, selfRoles: (g) => members[g]?.[selfId]?.roles }),
    [currentGuildId, emojis, guildOrder, premiumType, members, selfId],
  );
}
