// `:name` autocomplete's custom emoji: the ones usable here whose name contains the query, names
// that start with it first, the current server's before others (the order placeEmoji gives).
import type { PlacedEmoji } from './usableEmoji.ts';

export interface CustomEmojiSuggestion {
  id: string;
  name: string;
  animated: boolean;
  /** The emoji's server, shown beside it. */
  hint: string;
}

export function customEmojiSuggestions(placed: readonly PlacedEmoji[], query: string, guildName: (guildId: string) => string, limit = 5): CustomEmojiSuggestion[] {
  const q = query.toLowerCase();
  const hits = placed.filter((p) => p.lock === null && p.emoji.name.toLowerCase().includes(q));
  const starts = hits.filter((p) => p.emoji.name.toLowerCase().startsWith(q));
  const rest = hits.filter((p) => !p.emoji.name.toLowerCase().startsWith(q));
  return [...starts, ...rest].slice(0, limit).map((p) => ({ id: p.emoji.id, name: p.emoji.name, animated: p.emoji.animated, hint: guildName(p.guildId) }));
}
