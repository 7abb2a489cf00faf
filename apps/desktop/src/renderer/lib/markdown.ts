// A small, safe parser for Discord's Markdown subset. It builds a plain tree (no HTML strings):
// the renderer turns nodes into React elements, so user text is never interpreted as markup.
// Rules and their precedence follow Discord's (simple-markdown based) parser closely enough that
// messages written for Discord look the same.

export type MdNode =
  | { type: 'text'; text: string }
  | { type: 'br' }
  | { type: 'strong' | 'em' | 'underline' | 'strike' | 'spoiler'; children: MdNode[] }
  | { type: 'code'; text: string }
  | { type: 'codeBlock'; lang: string | null; text: string }
  | { type: 'blockquote'; children: MdNode[] }
  | { type: 'link'; url: string; children: MdNode[] }
  | { type: 'userMention'; id: string }
  | { type: 'roleMention'; id: string }
  | { type: 'channelMention'; id: string }
  | { type: 'everyone'; text: '@everyone' | '@here' }
  | { type: 'customEmoji'; name: string; id: string; animated: boolean };

const MAX_DEPTH = 12;

interface InlineRule {
  re: RegExp;
  build(m: RegExpExecArray, depth: number): MdNode | null;
}

const safeUrl = (raw: string): string | null => {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
};

// Order matters: earlier rules win at the same position.
const RULES: InlineRule[] = [
  { re: /\\([^0-9A-Za-z\s])/y, build: (m) => ({ type: 'text', text: m[1]! }) },
  {
    re: /```(?:([a-z0-9_+\-.#]+?)\n)?\n*([^\n][\s\S]*?)\n*```/iy,
    build: (m) => ({ type: 'codeBlock', lang: m[1] ?? null, text: m[2]! }),
  },
  { re: /(`+)([\s\S]*?[^`])\1(?!`)/y, build: (m) => ({ type: 'code', text: m[2]!.trim() || m[2]! }) },
  { re: /<(a?):(\w{2,32}):(\d{1,20})>/y, build: (m) => ({ type: 'customEmoji', animated: m[1] === 'a', name: m[2]!, id: m[3]! }) },
  { re: /<@!?(\d{1,20})>/y, build: (m) => ({ type: 'userMention', id: m[1]! }) },
  { re: /<@&(\d{1,20})>/y, build: (m) => ({ type: 'roleMention', id: m[1]! }) },
  { re: /<#(\d{1,20})>/y, build: (m) => ({ type: 'channelMention', id: m[1]! }) },
  { re: /@(everyone|here)\b/y, build: (m) => ({ type: 'everyone', text: m[1] === 'here' ? '@here' : '@everyone' }) },
  {
    re: /<(https?:\/\/[^ >]+)>/y,
    build: (m) => {
      const url = safeUrl(m[1]!);
      return url ? { type: 'link', url, children: [{ type: 'text', text: m[1]! }] } : null;
    },
  },
  {
    re: /\[((?:\[[^\]]*\]|[^[\]])+)\]\(\s*<?(https?:\/\/[^\s)>]+)>?\s*\)/y,
    build: (m, depth) => {
      const url = safeUrl(m[2]!);
      return url ? { type: 'link', url, children: parseInline(m[1]!, depth + 1) } : null;
    },
  },
  {
    re: /https?:\/\/[^\s<]+[^<.,:;"')\]\s]/y,
    build: (m) => {
      const url = safeUrl(m[0]);
      return url ? { type: 'link', url, children: [{ type: 'text', text: m[0] }] } : null;
    },
  },
  { re: /\|\|([\s\S]+?)\|\|/y, build: (m, d) => ({ type: 'spoiler', children: parseInline(m[1]!, d + 1) }) },
  { re: /\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)/y, build: (m, d) => ({ type: 'strong', children: parseInline(m[1]!, d + 1) }) },
  { re: /__((?:\\[\s\S]|[^\\])+?)__(?!_)/y, build: (m, d) => ({ type: 'underline', children: parseInline(m[1]!, d + 1) }) },
  {
    re: /\b_((?:__|\\[\s\S]|[^\\_])+?)_\b|\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)/y,
    build: (m, d) => ({ type: 'em', children: parseInline(m[1] ?? m[2]!, d + 1) }),
  },
  { re: /~~([\s\S]+?)~~/y, build: (m, d) => ({ type: 'strike', children: parseInline(m[1]!, d + 1) }) },
  { re: /\n/y, build: () => ({ type: 'br' }) },
];

const TEXT = /[\s\S]+?(?=[\\*_~|`<@[\n]|https?:\/\/|$)/y;

function pushText(out: MdNode[], text: string): void {
  const last = out[out.length - 1];
  if (last && last.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + text };
  else out.push({ type: 'text', text });
}

export function parseInline(src: string, depth = 0): MdNode[] {
  const out: MdNode[] = [];
  if (depth > MAX_DEPTH) {
    if (src) out.push({ type: 'text', text: src });
    return out;
  }
  let i = 0;
  outer: while (i < src.length) {
    for (const rule of RULES) {
      rule.re.lastIndex = i;
      const m = rule.re.exec(src);
      if (!m || m[0].length === 0) continue;
      const node = rule.build(m, depth);
      if (!node) continue;
      if (node.type === 'text') pushText(out, node.text);
      else out.push(node);
      i += m[0].length;
      continue outer;
    }
    TEXT.lastIndex = i;
    const t = TEXT.exec(src);
    const text = t && t[0].length > 0 ? t[0] : src[i]!;
    pushText(out, text);
    i += text.length;
  }
  return out;
}

/** Splits off block quotes (`> ` lines and `>>> ` to the end), leaving code fences intact. */
export function parseMarkdown(src: string): MdNode[] {
  const out: MdNode[] = [];
  const lines = src.split('\n');
  let normal: string[] = [];
  let inFence = false;
  const flushNormal = (beforeBlock: boolean) => {
    if (normal.length === 0) return;
    const text = normal.join('\n');
    out.push(...parseInline(beforeBlock ? text : text));
    normal = [];
  };
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    if (!inFence && (line.startsWith('>>> ') || line === '>>>')) {
      flushNormal(true);
      const rest = [line.slice(4), ...lines.slice(li + 1)].join('\n');
      out.push({ type: 'blockquote', children: parseInline(rest) });
      return out;
    }
    if (!inFence && (line.startsWith('> ') || line === '>')) {
      flushNormal(true);
      const quoted: string[] = [];
      while (li < lines.length && (lines[li]!.startsWith('> ') || lines[li] === '>')) {
        quoted.push(lines[li]!.slice(2));
        li++;
      }
      li--;
      out.push({ type: 'blockquote', children: parseInline(quoted.join('\n')) });
      continue;
    }
    const fences = line.split('```').length - 1;
    if (fences % 2 === 1) inFence = !inFence;
    normal.push(line);
  }
  flushNormal(false);
  return out;
}

/** Text without formatting, for notifications and reply previews. */
export function toPlainText(src: string, resolve?: (node: MdNode) => string | null): string {
  const walk = (nodes: MdNode[]): string =>
    nodes
      .map((n) => {
        const custom = resolve?.(n);
        if (custom != null) return custom;
        switch (n.type) {
          case 'text':
            return n.text;
          case 'br':
            return ' ';
          case 'code':
          case 'codeBlock':
            return n.text;
          case 'strong':
          case 'em':
          case 'underline':
          case 'strike':
          case 'blockquote':
          case 'link':
            return walk(n.children);
          case 'spoiler':
            return '▒▒▒▒';
          case 'userMention':
            return '@user';
          case 'roleMention':
            return '@role';
          case 'channelMention':
            return '#channel';
          case 'everyone':
            return n.text;
          case 'customEmoji':
            return `:${n.name}:`;
          default: {
            const never: never = n;
            return String(never);
          }
        }
      })
      .join('');
  return walk(parseMarkdown(src)).trim();
}

/** True when the message is nothing but 1-27 emoji (Discord shows those large). */
export function isEmojiOnly(nodes: MdNode[]): boolean {
  let count = 0;
  for (const n of nodes) {
    if (n.type === 'customEmoji') count++;
    else if (n.type === 'text') {
      const stripped = n.text.replace(/\s+/g, '');
      if (!stripped) continue;
      const emoji = stripped.match(/\p{Extended_Pictographic}(\uFE0F|\u200D\p{Extended_Pictographic})*/gu);
      if (!emoji || emoji.join('') !== stripped.replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '')) return false;
      count += emoji.length;
    } else return false;
  }
  return count > 0 && count <= 27;
}
