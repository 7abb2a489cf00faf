// Discord's auto-moderation keyword syntax matched in one pass over the message: an Aho–Corasick
// automaton over the case-folded keywords, so 1,000 keywords cost about what one does. `word`
// matches the whole word, `word*` words starting with it, `*word` words ending with it, `*word*`
// anywhere. Built once per rule; immutable after.

/** Discord's word characters for keyword boundaries. */
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

function isWordChar(cp: number): boolean {
  if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

/** Whether `s` is exactly one code point (a surrogate pair counts as one). */
function isOneCodePoint(s: string): boolean {
  const first = s.codePointAt(0);
  return first !== undefined && s.length === (first > 0xffff ? 2 : 1);
}

/** Simple case folding to one code point, so folded text keeps the original's code point positions. */
function fold(cp: number): number {
  if (cp < 128) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  const s = String.fromCodePoint(cp);
  const upper = s.toUpperCase();
  const lower = (isOneCodePoint(upper) ? upper : s).toLowerCase();
  return isOneCodePoint(lower) ? lower.codePointAt(0)! : cp;
}

/** The code points of `s` (keywords and text are matched code point by code point, not by grapheme). */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    out.push(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

interface Keyword {
  /** The keyword as the rule spells it (reported as matched_keyword). */
  source: string;
  length: number;
  anyPrefix: boolean;
  anySuffix: boolean;
}

export interface KeywordHit {
  keyword: string;
  /** UTF-16 offsets of the matched content (widened to the whole word on a wildcard side). */
  start: number;
  end: number;
}

/** The message split into code points once, with what every keyword check needs. */
interface ScannedText {
  folded: number[];
  word: boolean[];
  /** UTF-16 offset where code point k starts; offsets[count] is the text length. */
  offsets: number[];
  /** Code point index where the word run containing k starts / ends (exclusive). */
  runStart: Int32Array;
  runEnd: Int32Array;
}

function scan(text: string): ScannedText {
  const folded: number[] = [];
  const word: boolean[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    offsets.push(i);
    folded.push(fold(cp));
    word.push(isWordChar(cp));
    i += cp > 0xffff ? 2 : 1;
  }
  offsets.push(text.length);
  const n = folded.length;
  const runStart = new Int32Array(n);
  const runEnd = new Int32Array(n);
  for (let k = 0; k < n; k++) runStart[k] = word[k] && k > 0 && word[k - 1] ? runStart[k - 1]! : k;
  for (let k = n - 1; k >= 0; k--) runEnd[k] = word[k] && k + 1 < n && word[k + 1] ? runEnd[k + 1]! : k + 1;
  return { folded, word, offsets, runStart, runEnd };
}

export class KeywordMatcher {
  private readonly next: Map<number, number>[] = [new Map<number, number>()];
  private readonly fail: number[] = [0];
  /** Keywords ending exactly at this node. */
  private readonly own: number[][] = [[]];
  /** Nearest node on the failure chain that has keywords of its own (-1: none). */
  private readonly outLink: number[] = [-1];
  private readonly keywords: Keyword[] = [];

  constructor(keywords: readonly string[]) {
    for (const source of keywords) {
      const anyPrefix = source.startsWith('*');
      const anySuffix = source.length > 1 && source.endsWith('*');
      const core = source.slice(anyPrefix ? 1 : 0, anySuffix ? -1 : undefined);
      const cps = codePoints(core).map(fold);
      if (cps.length === 0) continue; // `*` alone names nothing to match
      let node = 0;
      for (const cp of cps) {
        let child = this.next[node]!.get(cp);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map<number, number>());
          this.fail.push(0);
          this.own.push([]);
          this.outLink.push(-1);
          this.next[node]!.set(cp, child);
        }
        node = child;
      }
      this.own[node]!.push(this.keywords.length);
      this.keywords.push({ source, length: cps.length, anyPrefix, anySuffix });
    }
    this.link();
  }

  get size(): number {
    return this.keywords.length;
  }

  /** Breadth-first failure links, as in Aho and Corasick's paper. */
  private link(): void {
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) queue.push(child);
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q]!;
      for (const [cp, child] of this.next[node]!) {
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(cp)) f = this.fail[f]!;
        const target = this.next[f]!.get(cp);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const fc = this.fail[child];
        this.outLink[child] = this.own[fc]!.length > 0 ? fc : this.outLink[fc]!;
        queue.push(child);
      }
    }
  }

  /**
   * Every keyword occurrence that satisfies its boundaries, in order of where it ends, until
   * `visit` returns true (then that hit is returned). Linear in the text plus the hits visited.
   */
  find(text: string, visit: (hit: KeywordHit) => boolean = () => true): KeywordHit | null {
    if (this.keywords.length === 0 || text === '') return null;
    const t = scan(text);
    let node = 0;
    for (let k = 0; k < t.folded.length; k++) {
      const cp = t.folded[k]!;
      for (;;) {
        const child = this.next[node]!.get(cp);
        if (child !== undefined) {
          node = child;
          break;
        }
        if (node === 0) break;
        node = this.fail[node]!;
      }
      for (let out = this.own[node]!.length > 0 ? node : this.outLink[node]!; out !== -1; out = this.outLink[out]!) {
        for (const index of this.own[out]!) {
          const hit = this.hitAt(t, this.keywords[index]!, k);
          if (hit && visit(hit)) return hit;
        }
      }
    }
    return null;
  }

  /** The occurrence of `kw` ending at code point `last`, if its whole-word sides hold. */
  private hitAt(t: ScannedText, kw: Keyword, last: number): KeywordHit | null {
    const first = last - kw.length + 1;
    const before = first > 0 && t.word[first - 1]!;
    const after = last + 1 < t.folded.length && t.word[last + 1]!;
    if (!kw.anyPrefix && before) return null;
    if (!kw.anySuffix && after) return null;
    const from = kw.anyPrefix && t.word[first] ? t.runStart[first]! : first;
    const to = kw.anySuffix && t.word[last] ? t.runEnd[last]! : last + 1;
    return { keyword: kw.source, start: t.offsets[from]!, end: t.offsets[to]! };
  }

  /** UTF-16 coverage of every occurrence (for allow lists): covered(a, b) says whether [a, b) overlaps one. */
  coverage(text: string): (start: number, end: number) => boolean {
    const marks = new Int32Array(text.length + 1);
    let hits = 0;
    this.find(text, (hit) => {
      marks[hit.start]! += 1;
      marks[hit.end]! -= 1;
      hits++;
      return false;
    });
    if (hits === 0) return () => false;
    // prefix[i] = how many positions below i are covered
    const prefix = new Int32Array(text.length + 1);
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      depth += marks[i]!;
      prefix[i + 1] = prefix[i]! + (depth > 0 ? 1 : 0);
    }
    return (start, end) => (end > start ? prefix[end]! - prefix[start]! > 0 : start < text.length && prefix[start + 1]! - prefix[start]! > 0);
  }
}
