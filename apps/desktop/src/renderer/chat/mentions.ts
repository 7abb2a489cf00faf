// Converts what the user typed (`@name`, `#channel-name`, `@role`) into Discord's mention
// syntax (`<@id>`, `<#id>`, `<@&id>`) before sending, as Discord's textarea client did.

export interface MentionCandidates {
  users: { id: string; names: string[] }[];
  roles: { id: string; name: string }[];
  channels: { id: string; name: string }[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function resolveMentions(text: string, c: MentionCandidates): string {
  // Split on code so that mentions inside `code` stay literal.
  return text
    .split(/(```[\s\S]*?```|`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : resolvePart(part, c)))
    .join('');
}

function resolvePart(text: string, c: MentionCandidates): string {
  let out = text;
  // Longest names first, so that "@Ann Lee" wins over "@Ann".
  const userNames = c.users.flatMap((u) => u.names.filter(Boolean).map((n) => ({ id: u.id, n }))).sort((a, b) => b.n.length - a.n.length);
  for (const { id, n } of userNames) {
    out = out.replace(new RegExp(`(^|[^\\w<])@${escapeRe(n)}(?![\\w])`, 'gi'), `$1<@${id}>`);
  }
  for (const r of [...c.roles].sort((a, b) => b.name.length - a.name.length)) {
    if (r.name === '@everyone') continue;
    out = out.replace(new RegExp(`(^|[^\\w<])@${escapeRe(r.name)}(?![\\w])`, 'gi'), `$1<@&${r.id}>`);
  }
  for (const ch of [...c.channels].sort((a, b) => b.name.length - a.name.length)) {
    out = out.replace(new RegExp(`(^|[^\\w<])#${escapeRe(ch.name)}(?![\\w-])`, 'g'), `$1<#${ch.id}>`);
  }
  return out;
}
