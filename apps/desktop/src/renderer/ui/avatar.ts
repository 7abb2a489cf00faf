// Avatars without images: initials on a colour picked from the id, like Discord's default
// avatars, so that every user and guild is recognisable at a glance.

const PALETTE = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#00a8fc', '#9b59b6', '#1abc9c', '#e67e22', '#747f8d'];

export function colorForId(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/**
 * The first `count` code points of `text`: an astral character (most emoji) is never cut in half.
 * Code points, not grapheme clusters, on purpose: that is what the initials have always shown.
 */
function firstCodePoints(text: string, count: number): string {
  let out = '';
  let taken = 0;
  for (const char of text) {
    if (taken === count) break;
    out += char;
    taken++;
  }
  return out;
}

/** "Rocket League Fans" -> "RLF"; at most three letters, as Discord's guild icons. */
export function guildInitials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const initials = words.map((w) => firstCodePoints(w, 1)).join('');
  return initials.slice(0, 3) || '?';
}

export function userInitials(name: string): string {
  const words = name.trim().split(/[\s_.-]+/).filter(Boolean);
  if (words.length >= 2) return (firstCodePoints(words[0]!, 1) + firstCodePoints(words[1]!, 1)).toUpperCase();
  return (firstCodePoints(name.trim(), 2) || '?').toUpperCase();
}

export function roleColor(color: number): string | undefined {
  return color ? `#${color.toString(16).padStart(6, '0')}` : undefined;
}
