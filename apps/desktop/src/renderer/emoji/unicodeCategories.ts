// The picker's Unicode sections: the built-in emoji set (chat/emoji.ts, shared with `:emoji:`
// autocomplete and quick reactions) grouped into Discord's categories. A name missing here lands
// in "Symbols", so adding an emoji to the set never hides it.
import { EMOJI } from '../chat/emoji.ts';

export interface UnicodeCategory {
  id: string;
  label: string;
  emoji: (readonly [name: string, char: string])[];
}

const CATEGORY_NAMES: ReadonlyArray<readonly [id: string, label: string, names: readonly string[]]> = [
  ['people', 'People', ['thumbsup', 'thumbsdown', 'joy', 'smile', 'grinning', 'laughing', 'wink', 'blush', 'heart_eyes', 'thinking', 'sob', 'cry', 'rage', 'scream', 'sunglasses', 'eyes', 'clap', 'pray', 'wave', 'ok_hand', 'muscle', 'skull', 'ghost', 'robot', 'sweat_smile', 'rofl', 'upside_down', 'shrug', 'facepalm', 'zany', 'partying', 'pleading', 'nerd', 'clown', 'poop', 'alien', 'gg', 'salute']],
  ['nature', 'Nature', ['dog', 'cat', 'frog', 'unicorn', 'snake', 'crab', 'fire', 'rainbow', 'sun', 'moon', 'snowflake', 'zap', 'star', 'sparkles']],
  ['food', 'Food & Drink', ['pizza', 'coffee', 'beer', 'cake', 'popcorn', 'cookie']],
  ['activities', 'Activities', ['tada', 'video_game', 'joystick', 'trophy', 'headphones', 'microphone']],
  ['objects', 'Objects', ['crown', 'gem', 'moneybag', 'bell', 'lock', 'key', 'bulb', 'rocket', 'boom']],
];

export function unicodeCategories(): UnicodeCategory[] {
  const byName = new Map(EMOJI.map((e) => [e[0], e] as const));
  const placed = new Set<string>();
  const out: UnicodeCategory[] = [];
  for (const [id, label, names] of CATEGORY_NAMES) {
    const emoji = names.flatMap((n) => {
      const e = byName.get(n);
      if (!e || placed.has(n)) return [];
      placed.add(n);
      return [e];
    });
    out.push({ id, label, emoji });
  }
  out.push({ id: 'symbols', label: 'Symbols', emoji: EMOJI.filter(([n]) => !placed.has(n)) });
  return out.filter((c) => c.emoji.length > 0);
}
