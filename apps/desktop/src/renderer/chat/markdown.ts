// A small, safe parser for Discord's Markdown subset. It builds a plain tree (no HTML strings):
// the renderer turns nodes into React elements, so user text is never interpreted as markup.
// Rules and their precedence follow Discord's (simple-markdown based) parser closely enough that
// messages written for Discord look the same. Parsing is linear in the message: a rule that would
// scan to the end for a closer is skipped when the closer cannot exist (see Scan), and links and
// code spans, whose regexes rescanned the rest of the message from every opener, are matched by
// hand with per-message memos. A regex here never sees more than it can consume.

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

/** A rule's match: [whole, ...groups], like a RegExpExecArray. */
type RuleMatch = readonly [string, ...(string | undefined)[]];

interface InlineRule {
  /** Cheap necessary condition at i; false means the rule cannot match (and must not scan). */
  may?(scan: Scan, i: number): boolean;
  match(scan: Scan, i: number): RuleMatch | null;
  build(m: RuleMatch, depth: number): MdNode | null;
}

/**
 * Per-call facts about the source that keep every rule's failure O(1) amortised: where the last
 * closing delimiter of each kind is, and memos for the hand-written link and code span matchers.
 * Owned by one parseInline call; computed lazily, each at most once.
 */
class Scan {
  private readonly lastIndex = new Map<string, number>();
  private readonly memo = new Map<string, number>();
  private backtickRuns: { starts: Int32Array; lengths: Int32Array; lastOfLength: Map<number, number> } | null = null;
  private linkArrays: { nextClose: Int32Array; urlStop: Int32Array; labelEnd: Int32Array } | null = null;

  constructor(readonly src: string) {}

  /** Last index of `s` in the source (memoised). */
  last(s: string): number {
    let v = this.lastIndex.get(s);
    if (v === undefined) {
      v = this.src.lastIndexOf(s);
      this.lastIndex.set(s, v);
    }
    return v;
  }

  /** Last `dd` not followed by `d` (a closer for ** and __). */
  lastDoubleCloser(d: string): number {
    const key = `${d}${d}!`;
    let v = this.lastIndex.get(key);
    if (v === undefined) {
      v = this.src.lastIndexOf(d + d);
      while (v >= 0 && this.src[v + 2] === d) v = v === 0 ? -1 : this.src.lastIndexOf(d + d, v - 1);
      this.lastIndex.set(key, v);
    }
    return v;
  }

  /** A position before which the named rule is known to fail (set after an expensive failure). */
  failsBefore(rule: string): number {
    return this.memo.get(rule) ?? -1;
  }
  markFailsBefore(rule: string, end: number): void {
    this.memo.set(rule, end);
  }

  /** Maximal backtick runs, and the start of the last run of each length. */
  runs(): { starts: Int32Array; lengths: Int32Array; lastOfLength: Map<number, number> } {
    if (this.backtickRuns) return this.backtickRuns;
    const starts: number[] = [];
    const lengths: number[] = [];
    const lastOfLength = new Map<number, number>();
    const src = this.src;
    for (let i = 0; i < src.length; i++) {
      if (src[i] !== '`') continue;
      let j = i;
      while (src[j] === '`') j++;
      starts.push(i);
      lengths.push(j - i);
      lastOfLength.set(j - i, i);
      i = j - 1;
    }
    this.backtickRuns = { starts: Int32Array.from(starts), lengths: Int32Array.from(lengths), lastOfLength };
    return this.backtickRuns;
  }

  /** Where `>?\s*\)` after a link URL ending at `stop` closes the link (-1: it does not). */
  closeAfterUrl(stop: number): number {
    const key = `url${stop}`;
    let v = this.memo.get(key);
    if (v === undefined) {
      let q = stop;
      if (this.src[q] === '>') q++;
      while (q < this.src.length && /\s/.test(this.src[q]!)) q++;
      v = this.src[q] === ')' ? q : -1;
      this.memo.set(key, v);
    }
    return v;
  }

  /** The first whitespace or `<` at or after `from` (memoised per run: later starts share it). */
  stopAfter(from: number): number {
    const cached = this.memo.get('stopRunEnd') ?? -1;
    if (from <= cached && from >= (this.memo.get('stopRunStart') ?? Infinity)) return cached;
    let q = from;
    while (q < this.src.length && !/[\s<]/.test(this.src[q]!)) q++;
    this.memo.set('stopRunStart', from);
    this.memo.set('stopRunEnd', q);
    return q;
  }

  /** The last index before `stop` whose character is not `excluded` (memoised per stop). */
  lastAllowedBefore(stop: number, excluded: RegExp): number {
    const key = `allowed${stop}`;
    let v = this.memo.get(key);
    if (v === undefined) {
      v = stop - 1;
      while (v >= 0 && excluded.test(this.src[v]!)) v--;
      this.memo.set(key, v);
    }
    return v;
  }

  links(): { nextClose: Int32Array; urlStop: Int32Array; labelEnd: Int32Array } {
    if (this.linkArrays) return this.linkArrays;
    const src = this.src;
    const n = src.length;
    const nextClose = new Int32Array(n + 1).fill(-1);
    const urlStop = new Int32Array(n + 1).fill(n);
    for (let i = n - 1; i >= 0; i--) {
      const c = src[i]!;
      nextClose[i] = c === ']' ? i : nextClose[i + 1]!;
      urlStop[i] = /[\s)>]/.test(c) ? i : urlStop[i + 1]!;
    }
    // labelEnd[j]: where a link label walked from j (top level) ends at `]`; -1 none; -2 not yet known.
    this.linkArrays = { nextClose, urlStop, labelEnd: new Int32Array(n + 1).fill(-2) };
    return this.linkArrays;
  }
}

const sticky = (re: RegExp) => (scan: Scan, i: number): RuleMatch | null => {
  re.lastIndex = i;
  const m = re.exec(scan.src);
  return m ? [m[0], ...m.slice(1)] : null;
};

/**
 * `(`+)([\s\S]*?[^`])\1(?!`)`, by hand: the opener may use the first k of its K backticks
 * (largest k first); the closer is the first later run of exactly k backticks. Runs never
 * rescan: an opener run that failed fails for every position inside it.
 */
function matchCodeSpan(scan: Scan, i: number): RuleMatch | null {
  const src = scan.src;
  if (src[i] !== '`' || i < scan.failsBefore('code')) return null;
  let end = i;
  while (src[end] === '`') end++;
  const { starts, lengths, lastOfLength } = scan.runs();
  for (let k = end - i; k >= 1; k--) {
    const last = lastOfLength.get(k);
    // The body needs a non-backtick last character, so the closer run starts after `end`.
    if (last === undefined || last <= end) continue;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= end) lo = mid + 1;
      else hi = mid;
    }
    // Runs of other lengths passed over here are consumed by the match, so this stays linear.
    let r = lo;
    while (lengths[r] !== k) r++;
    const close = starts[r]!;
    return [src.slice(i, close + k), src.slice(i, i + k), src.slice(i + k, close)];
  }
  scan.markFailsBefore('code', end);
  return null;
}

/**
 * `\[((?:\[[^\]]*\]|[^[\]])+)\]\(\s*<?(https?:\/\/[^\s)>]+)>?\s*\)`, by hand: the label walk is
 * deterministic (a `[` skips to the next `]`, a `]` ends it), so where it ends is memoised per
 * position and every opener costs O(1) amortised.
 */
function matchLink(scan: Scan, i: number): RuleMatch | null {
  const src = scan.src;
  if (src[i] !== '[' || scan.last('](') < i) return null;
  const { nextClose, urlStop, labelEnd } = scan.links();
  const path: number[] = [];
  let j = i + 1;
  let end = -1;
  for (;;) {
    const known = labelEnd[j]!;
    if (known !== -2) {
      end = known;
      break;
    }
    const c = src[j];
    if (c === undefined) break;
    path.push(j);
    if (c === ']') {
      end = j;
      break;
    }
    if (c === '[') {
      const close = nextClose[j + 1] ?? -1;
      if (close < 0) break;
      j = close + 1;
    } else j++;
  }
  for (const p of path) labelEnd[p] = end;
  if (end <= i + 1 || src[end + 1] !== '(') return null;
  let p = end + 2;
  while (p < src.length && /\s/.test(src[p]!)) p++;
  if (src[p] === '<') p++;
  const scheme = src.startsWith('https://', p) ? 8 : src.startsWith('http://', p) ? 7 : 0;
  const stop = urlStop[p]!;
  if (scheme === 0 || stop <= p + scheme) return null;
  // After the greedy URL run only `>`, spaces and `)` may follow, so the run never backtracks and
  // every URL ending at the same stop shares the same tail.
  const close = scan.closeAfterUrl(stop);
  if (close < 0) return null;
  return [src.slice(i, close + 1), src.slice(i + 1, end), src.slice(p, stop)];
}

const safeUrl = (raw: string): string | null => {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
};

const ANGLE_LINK = /<(https?:\/\/[^ >]+)>/y;

/**
 * `<https://...>`: after the scheme the regex reads up to the first space or `>`. When that stop is
 * a space (or the end), every later `<` before it fails the same way, so it is not tried again.
 */
function matchAngleLink(scan: Scan, i: number): RuleMatch | null {
  if (scan.src[i] !== '<' || i < scan.failsBefore('angle')) return null;
  const m = sticky(ANGLE_LINK)(scan, i);
  if (m || !/^<https?:\/\//.test(scan.src.slice(i, i + 9))) return m;
  let stop = i + 1;
  while (stop < scan.src.length && scan.src[stop] !== ' ' && scan.src[stop] !== '>') stop++;
  if (scan.src[stop] !== '>') scan.markFailsBefore('angle', stop);
  return null;
}

const AUTOLINK_TAIL_EXCLUDED = /[<.,:;"')\]\s]/;

/**
 * `https?:\/\/[^\s<]+[^<.,:;"')\]\s]`, by hand, keeping only links whose authority parses: the
 * match runs to the last allowed character before the next space or `<`, which every start in the
 * same run shares (memoised per stop), and a URL with an invalid authority (`http://a](http:`) is
 * refused from its authority alone instead of after re-reading the rest of the message.
 */
function matchAutolink(scan: Scan, i: number): RuleMatch | null {
  const src = scan.src;
  const scheme = src.startsWith('https://', i) ? 8 : src.startsWith('http://', i) ? 7 : 0;
  if (scheme === 0) return null;
  const stop = scan.stopAfter(i + scheme);
  const last = scan.lastAllowedBefore(stop, AUTOLINK_TAIL_EXCLUDED);
  if (last < i + scheme + 1) return null;
  let authorityEnd = i + scheme;
  while (authorityEnd <= last && !'/?#\\'.includes(src[authorityEnd]!)) authorityEnd++;
  if (!safeUrl(src.slice(i, authorityEnd))) return null;
  return [src.slice(i, last + 1)];
}

// Order matters: earlier rules win at the same position.
const RULES: InlineRule[] = [
  { match: sticky(/\\([^0-9A-Za-z\s])/y), build: (m) => ({ type: 'text', text: m[1]! }) },
  {
    may: (s, i) => s.src.startsWith('```', i) && s.last('```') >= i + 4,
    match: sticky(/```(?:([a-z0-9_+\-.#]+?)\n)?\n*([^\n][\s\S]*?)\n*```/iy),
    build: (m) => ({ type: 'codeBlock', lang: m[1] ?? null, text: m[2]! }),
  },
  { match: matchCodeSpan, build: (m) => ({ type: 'code', text: m[2]!.trim() || m[2]! }) },
  { may: (s, i) => s.src[i] === '<', match: sticky(/<(a?):(\w{2,32}):(\d{1,20})>/y), build: (m) => ({ type: 'customEmoji', animated: m[1] === 'a', name: m[2]!, id: m[3]! }) },
  { may: (s, i) => s.src[i] === '<', match: sticky(/<@!?(\d{1,20})>/y), build: (m) => ({ type: 'userMention', id: m[1]! }) },
  { may: (s, i) => s.src[i] === '<', match: sticky(/<@&(\d{1,20})>/y), build: (m) => ({ type: 'roleMention', id: m[1]! }) },
  { may: (s, i) => s.src[i] === '<', match: sticky(/<#(\d{1,20})>/y), build: (m) => ({ type: 'channelMention', id: m[1]! }) },
  { may: (s, i) => s.src[i] === '@', match: sticky(/@(everyone|here)\b/y), build: (m) => ({ type: 'everyone', text: m[1] === 'here' ? '@here' : '@everyone' }) },
  {
    match: matchAngleLink,
    build: (m) => {
      const url = safeUrl(m[1]!);
      return url ? { type: 'link', url, children: [{ type: 'text', text: m[1]! }] } : null;
    },
  },
  {
    match: matchLink,
    build: (m, depth) => {
      const url = safeUrl(m[2]!);
      return url ? { type: 'link', url, children: parseInline(m[1]!, depth + 1) } : null;
    },
  },
  {
    may: (s, i) => s.src[i] === 'h',
    match: matchAutolink,
    build: (m) => {
      const url = safeUrl(m[0]);
      return url ? { type: 'link', url, children: [{ type: 'text', text: m[0] }] } : null;
    },
  },
  { may: (s, i) => s.src.startsWith('||', i) && s.last('||') >= i + 3, match: sticky(/\|\|([\s\S]+?)\|\|/y), build: (m, d) => ({ type: 'spoiler', children: parseInline(m[1]!, d + 1) }) },
  {
    may: (s, i) => s.src.startsWith('**', i) && s.lastDoubleCloser('*') >= i + 3,
    match: sticky(/\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)/y),
    build: (m, d) => ({ type: 'strong', children: parseInline(m[1]!, d + 1) }),
  },
  {
    may: (s, i) => s.src.startsWith('__', i) && s.lastDoubleCloser('_') >= i + 3,
    match: sticky(/__((?:\\[\s\S]|[^\\])+?)__(?!_)/y),
    build: (m, d) => ({ type: 'underline', children: parseInline(m[1]!, d + 1) }),
  },
  {
    may: (s, i) => (s.src[i] === '_' || s.src[i] === '*') && s.last(s.src[i]) >= i + 2,
    match: sticky(/\b_((?:__|\\[\s\S]|[^\\_])+?)_\b|\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)/y),
    build: (m, d) => ({ type: 'em', children: parseInline(m[1] ?? m[2]!, d + 1) }),
  },
  { may: (s, i) => s.src.startsWith('~~', i) && s.last('~~') >= i + 3, match: sticky(/~~([\s\S]+?)~~/y), build: (m, d) => ({ type: 'strike', children: parseInline(m[1]!, d + 1) }) },
  { may: (s, i) => s.src[i] === '\n', match: sticky(/\n/y), build: () => ({ type: 'br' }) },
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
  const scan = new Scan(src);
  let i = 0;
  outer: while (i < src.length) {
    for (const rule of RULES) {
      if (rule.may && !rule.may(scan, i)) continue;
      const m = rule.match(scan, i);
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
