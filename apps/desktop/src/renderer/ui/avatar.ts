// Avatars without images: initials on a colour picked from the id, like Discord's default
// avatars, so that every user and guild is recognisable at a glance.

const PALETTE = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#00a8fc', '#9b59b6', '#1abc9c', '#e67e22', '#747f8d'];

export function colorForId(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/** "Rocket League Fans" -> "RLF"; at most three letters, as Discord's guild icons. */
export function guildInitials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const initials = words.map((w) => [...w][0] ?? '').join('');
  return initials.slice(0, 3) || '?';
}

export function userInitials(name: string): string {
  const words = name.trim().split(/[\s_.-]+/).filter(Boolean);
  if (words.length >= 2) return ([...words[0]!][0]! + [...words[1]!][0]!).toUpperCase();
  return ([...name.trim()].slice(0, 2).join('') || '?').toUpperCase();
}

export function roleColor(color: number): string | undefined {
  return color ? `#${color.toString(16).padStart(6, '0')}` : undefined;
}
