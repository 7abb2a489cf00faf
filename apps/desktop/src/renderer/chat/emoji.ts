// The built-in emoji set for :shortcode: autocomplete, the reaction picker and the quick
// reactions in the message context menu.

export const EMOJI: ReadonlyArray<readonly [name: string, char: string]> = [
  ['thumbsup', '👍'], ['thumbsdown', '👎'], ['heart', '❤️'], ['joy', '😂'], ['smile', '😄'], ['grinning', '😀'],
  ['laughing', '😆'], ['wink', '😉'], ['blush', '😊'], ['heart_eyes', '😍'], ['thinking', '🤔'], ['sob', '😭'],
  ['cry', '😢'], ['rage', '😡'], ['scream', '😱'], ['sunglasses', '😎'], ['eyes', '👀'], ['fire', '🔥'],
  ['tada', '🎉'], ['100', '💯'], ['clap', '👏'], ['pray', '🙏'], ['wave', '👋'], ['ok_hand', '👌'],
  ['muscle', '💪'], ['rocket', '🚀'], ['star', '⭐'], ['sparkles', '✨'], ['check', '✅'], ['x', '❌'],
  ['warning', '⚠️'], ['question', '❓'], ['exclamation', '❗'], ['skull', '💀'], ['ghost', '👻'], ['robot', '🤖'],
  ['video_game', '🎮'], ['joystick', '🕹️'], ['trophy', '🏆'], ['crown', '👑'], ['gem', '💎'], ['moneybag', '💰'],
  ['pizza', '🍕'], ['coffee', '☕'], ['beer', '🍺'], ['cake', '🍰'], ['popcorn', '🍿'], ['cookie', '🍪'],
  ['dog', '🐶'], ['cat', '🐱'], ['frog', '🐸'], ['unicorn', '🦄'], ['snake', '🐍'], ['crab', '🦀'],
  ['sweat_smile', '😅'], ['rofl', '🤣'], ['upside_down', '🙃'], ['shrug', '🤷'], ['facepalm', '🤦'], ['zany', '🤪'],
  ['partying', '🥳'], ['pleading', '🥺'], ['nerd', '🤓'], ['clown', '🤡'], ['poop', '💩'], ['alien', '👽'],
  ['headphones', '🎧'], ['microphone', '🎤'], ['bell', '🔔'], ['lock', '🔒'], ['key', '🔑'], ['bulb', '💡'],
  ['zap', '⚡'], ['boom', '💥'], ['rainbow', '🌈'], ['sun', '☀️'], ['moon', '🌙'], ['snowflake', '❄️'],
  ['white_check_mark', '✅'], ['heavy_plus_sign', '➕'], ['arrow_up', '⬆️'], ['arrow_down', '⬇️'], ['gg', '🤝'], ['salute', '🫡'],
];

const BY_NAME = new Map(EMOJI.map(([n, c]) => [n, c] as const));

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '🔥'] as const;

export function emojiByName(name: string): string | undefined {
  return BY_NAME.get(name);
}

export function searchEmoji(query: string, limit = 10): (readonly [string, string])[] {
  const q = query.toLowerCase();
  const starts = EMOJI.filter(([n]) => n.startsWith(q));
  const contains = EMOJI.filter(([n]) => !n.startsWith(q) && n.includes(q));
  return [...starts, ...contains].slice(0, limit);
}

/** Replaces known :shortcodes: with their emoji, as Discord's client does before sending. */
export function replaceShortcodes(text: string): string {
  return text.replace(/(^|[^\\<a-zA-Z0-9]):([a-z0-9_+-]{1,32}):/g, (m, pre: string, name: string) => {
    const e = BY_NAME.get(name);
    return e ? pre + e : m;
  });
}
