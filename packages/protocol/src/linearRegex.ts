// A linear-time regular expression engine for auto-moderation patterns: the RE2 / Rust `regex`
// syntax Discord documents (no backreferences, no lookaround), parsed once and run as a Pike VM,
// so matching costs O(text length x program size) whatever the pattern. V8's backtracking engine
// must never see a user's pattern: `(a+)+$` takes minutes there and microseconds here.
// Lives in the protocol package so the request schema and the server share one notion of "valid".

/** RE2's cap on a counted repetition (`x{n,m}`). */
const MAX_REPEAT = 1000;
/** Compiled size cap: bounds the per-character cost of a match (Rust's regex has a similar size_limit). */
export const MAX_REGEX_PROGRAM_SIZE = 1000;
const MAX_NESTING = 100;

type Assertion = 'bol' | 'eol' | 'bot' | 'eot' | 'word' | 'notWord';

/** A set of code points: sorted inclusive ranges plus predicates (Unicode properties), optionally negated. */
interface CharSet {
  ranges: number[];
  preds: ((cp: number) => boolean)[];
  negated: boolean;
}

type Node =
  | { kind: 'empty' }
  | { kind: 'char'; cp: number; fold: boolean }
  | { kind: 'set'; set: CharSet; fold: boolean }
  | { kind: 'any'; newline: boolean }
  | { kind: 'assert'; assertion: Assertion }
  | { kind: 'concat'; items: Node[] }
  | { kind: 'alt'; items: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number; greedy: boolean };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

export class RegexSyntaxError extends Error {}

// ------------------------------------------------------------------ characters

const unicodeTest = (re: RegExp) => (cp: number) => re.test(String.fromCodePoint(cp));
/** Rust's Unicode-aware classes (`\w`, `\d`, `\s` and `\b` are Unicode in the `regex` crate). */
const isWordChar = unicodeTest(/^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u);
const isDigit = unicodeTest(/^\p{Nd}$/u);
const isSpace = unicodeTest(/^\p{White_Space}$/u);

const asciiWord = new Uint8Array(128);
for (let c = 0; c < 128; c++) asciiWord[c] = /[A-Za-z0-9_]/.test(String.fromCharCode(c)) ? 1 : 0;
function wordAt(cp: number): boolean {
  if (cp < 0) return false;
  return cp < 128 ? asciiWord[cp] === 1 : isWordChar(cp);
}

const caseCache = new Map<number, number>();
function singleCase(cp: number, upper: boolean): number {
  if (cp < 128) {
    if (upper && cp >= 97 && cp <= 122) return cp - 32;
    if (!upper && cp >= 65 && cp <= 90) return cp + 32;
    return cp;
  }
  const key = upper ? -cp - 1 : cp;
  const hit = caseCache.get(key);
  if (hit !== undefined) return hit;
  const s = String.fromCodePoint(cp);
  const t = upper ? s.toUpperCase() : s.toLowerCase();
  const out = t.codePointAt(0) ?? cp;
  const result = t.length === String.fromCodePoint(out).length ? out : cp; // multi-character mappings keep the char
  if (caseCache.size > 50_000) caseCache.clear();
  caseCache.set(key, result);
  return result;
}
/** Simple case folding: two code points match case-insensitively when their canonical forms agree. */
function canonical(cp: number): number {
  return singleCase(singleCase(cp, true), false);
}

function setHas(set: CharSet, cp: number): boolean {
  const r = set.ranges;
  for (let k = 0; k < r.length; k += 2) if (cp >= r[k]! && cp <= r[k + 1]!) return true;
  for (const p of set.preds) if (p(cp)) return true;
  return false;
}

function setMatches(set: CharSet, fold: boolean, cp: number): boolean {
  let hit = setHas(set, cp);
  if (!hit && fold) hit = setHas(set, singleCase(cp, false)) || setHas(set, singleCase(cp, true)) || setHas(set, canonical(cp));
  return hit !== set.negated;
}

const POSIX_CLASSES: Record<string, [number, number][]> = {
  alnum: [[48, 57], [65, 90], [97, 122]],
  alpha: [[65, 90], [97, 122]],
  ascii: [[0, 127]],
  blank: [[9, 9], [32, 32]],
  cntrl: [[0, 31], [127, 127]],
  digit: [[48, 57]],
  graph: [[33, 126]],
  lower: [[97, 122]],
  print: [[32, 126]],
  punct: [[33, 47], [58, 64], [91, 96], [123, 126]],
  space: [[9, 13], [32, 32]],
  upper: [[65, 90]],
  word: [[48, 57], [65, 90], [95, 95], [97, 122]],
  xdigit: [[48, 57], [65, 70], [97, 102]],
};

function unicodeProperty(name: string, negated: boolean): CharSet {
  if (!/^[A-Za-z][A-Za-z0-9_]*(=[A-Za-z0-9_]+)?$/.test(name)) throw new RegexSyntaxError(`invalid Unicode class \\p{${name}}`);
  // The name was checked above, so these RegExps only ever see `\p{Letters_or=Digits}`.
  for (const candidate of [name, `Script=${name}`]) {
    try {
      return { ranges: [], preds: [unicodeTest(new RegExp(`^\\p{${candidate}}$`, 'u'))], negated };
    } catch {
      // not this spelling; try the next
    }
  }
  throw new RegexSyntaxError(`invalid Unicode class \\p{${name}}`);
}

const classOf = (pred: (cp: number) => boolean, negated: boolean): CharSet => ({ ranges: [], preds: [pred], negated });

// ------------------------------------------------------------------ parser

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.parseAlt({ i: true, m: false, s: false, U: false });
    if (this.pos < this.src.length) throw new RegexSyntaxError(`unexpected ) at ${this.pos}`);
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private parseAlt(flags: Flags): Node {
    const items: Node[] = [this.parseConcat(flags)];
    while (this.peek() === '|') {
      this.pos++;
      items.push(this.parseConcat(flags));
    }
    return items.length === 1 ? items[0]! : { kind: 'alt', items };
  }

  /** Reads atoms and their repetitions until `|`, `)` or the end. `(?i)` changes `flags` for the rest of the group. */
  private parseConcat(flags: Flags): Node {
    const items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '(' && this.src.startsWith('(?', this.pos)) {
        const setFlags = this.tryFlagGroup(flags);
        if (setFlags === 'applied') continue;
      }
      const atom = this.parseAtom(flags);
      items.push(this.parseRepeats(atom, flags));
    }
    return items.length === 1 ? items[0]! : items.length === 0 ? { kind: 'empty' } : { kind: 'concat', items };
  }

  /** `(?flags)` sets flags for the rest of the enclosing group; returns 'applied' when that was it. */
  private tryFlagGroup(flags: Flags): 'applied' | 'not' {
    const m = /^\(\?([imsUux-]*)\)/.exec(this.src.slice(this.pos, this.pos + 12));
    if (!m) return 'not';
    this.applyFlags(m[1]!, flags);
    this.pos += m[0].length;
    return 'applied';
  }

  private applyFlags(spec: string, flags: Flags): void {
    let on = true;
    for (const f of spec) {
      if (f === '-') {
        if (!on) throw new RegexSyntaxError('invalid flag group');
        on = false;
      } else if (f === 'i' || f === 'm' || f === 's' || f === 'U') flags[f] = on;
      else if (f === 'u') continue; // always Unicode
      else throw new RegexSyntaxError(`unsupported flag ${f}`);
    }
  }

  private parseRepeats(atom: Node, flags: Flags): Node {
    let node = atom;
    let repeated = false;
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const counted = this.readCounted();
        if (!counted) return node;
        [min, max] = counted;
      } else return node;
      if (repeated) throw new RegexSyntaxError(`bad repetition operator ${c}`);
      if (c !== '{') this.pos++;
      let greedy = !flags.U;
      if (this.peek() === '?') {
        this.pos++;
        greedy = !greedy;
      }
      node = { kind: 'repeat', node, min, max, greedy };
      repeated = true;
    }
  }

  /** `{n}`, `{n,}`, `{n,m}`; anything else after `{` is a literal brace, as in RE2. */
  private readCounted(): [number, number] | null {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT) || max < min) throw new RegexSyntaxError(`bad repetition operator ${m[0]}`);
    this.pos += m[0].length;
    return [min, max];
  }

  private parseAtom(flags: Flags): Node {
    const c = this.src[this.pos]!;
    if (c === '(') return this.parseGroup(flags);
    if (c === '[') return this.parseClass(flags);
    if (c === '*' || c === '+' || c === '?') throw new RegexSyntaxError(`missing argument to repetition operator ${c}`);
    if (c === '{' && this.readCountedPeek()) throw new RegexSyntaxError('missing argument to repetition operator {');
    this.pos++;
    if (c === '.') return { kind: 'any', newline: flags.s };
    if (c === '^') return { kind: 'assert', assertion: flags.m ? 'bol' : 'bot' };
    if (c === '$') return { kind: 'assert', assertion: flags.m ? 'eol' : 'eot' };
    if (c === '\\') return this.parseEscape(flags);
    const cp = this.src.codePointAt(this.pos - 1)!;
    if (cp > 0xffff) this.pos++;
    return { kind: 'char', cp, fold: flags.i };
  }

  private readCountedPeek(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.src.slice(this.pos, this.pos + 16));
  }

  private parseGroup(flags: Flags): Node {
    const rest = this.src.slice(this.pos, this.pos + 4);
    if (/^\(\?(=|!|<=|<!)/.test(rest)) throw new RegexSyntaxError('look-around is not supported');
    if (rest.startsWith('(?P=')) throw new RegexSyntaxError('backreferences are not supported');
    if (++this.depth > MAX_NESTING) throw new RegexSyntaxError('pattern nests too deeply');
    const inner: Flags = { ...flags };
    if (rest.startsWith('(?')) {
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]{0,31})>/.exec(this.src.slice(this.pos, this.pos + 40));
      const flagged = /^\(\?([imsUux-]*):/.exec(this.src.slice(this.pos, this.pos + 12));
      if (named) this.pos += named[0].length;
      else if (flagged) {
        this.applyFlags(flagged[1]!, inner);
        this.pos += flagged[0].length;
      } else throw new RegexSyntaxError('invalid or unsupported group syntax');
    } else this.pos++;
    const node = this.parseAlt(inner);
    if (this.peek() !== ')') throw new RegexSyntaxError('missing closing )');
    this.pos++;
    this.depth--;
    return node;
  }

  /** An escape outside a class: a class, an assertion or one literal character. */
  private parseEscape(flags: Flags): Node {
    const c = this.src[this.pos];
    if (c === undefined) throw new RegexSyntaxError('trailing backslash');
    if (c === 'b' || c === 'B' || c === 'A' || c === 'z') {
      this.pos++;
      const assertion: Assertion = c === 'b' ? 'word' : c === 'B' ? 'notWord' : c === 'A' ? 'bot' : 'eot';
      return { kind: 'assert', assertion };
    }
    if (c === 'Q') {
      const end = this.src.indexOf('\\E', this.pos + 1);
      const literal = this.src.slice(this.pos + 1, end < 0 ? undefined : end);
      this.pos = end < 0 ? this.src.length : end + 2;
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points on purpose: the regex matches code point by code point, not by grapheme
      return { kind: 'concat', items: [...literal].map((ch) => ({ kind: 'char', cp: ch.codePointAt(0)!, fold: flags.i })) };
    }
    const item = this.parseEscapeItem();
    return typeof item === 'number' ? { kind: 'char', cp: item, fold: flags.i } : { kind: 'set', set: item, fold: flags.i };
  }

  /** Escapes valid both inside and outside a class: a code point or a class. `pos` is after the backslash. */
  private parseEscapeItem(): number | CharSet {
    const c = this.src[this.pos];
    if (c === undefined) throw new RegexSyntaxError('trailing backslash');
    this.pos++;
    switch (c) {
      case 'd':
      case 'D':
        return classOf(isDigit, c === 'D');
      case 's':
      case 'S':
        return classOf(isSpace, c === 'S');
      case 'w':
      case 'W':
        return classOf(wordAt, c === 'W');
      case 'p':
      case 'P': {
        let name: string;
        if (this.peek() === '{') {
          const end = this.src.indexOf('}', this.pos);
          if (end < 0) throw new RegexSyntaxError('missing closing } in \\p{');
          name = this.src.slice(this.pos + 1, end);
          this.pos = end + 1;
        } else {
          name = this.src[this.pos] ?? '';
          this.pos++;
        }
        let negated = c === 'P';
        if (name.startsWith('^')) {
          negated = !negated;
          name = name.slice(1);
        }
        return unicodeProperty(name, negated);
      }
      case 'n':
        return 10;
      case 't':
        return 9;
      case 'r':
        return 13;
      case 'f':
        return 12;
      case 'v':
        return 11;
      case 'a':
        return 7;
      case 'x':
      case 'u':
      case 'U':
        return this.parseHexEscape(c === 'x' ? 2 : c === 'u' ? 4 : 8);
      default:
        break;
    }
    if (c >= '0' && c <= '9') throw new RegexSyntaxError('backreferences are not supported');
    if (c === 'k') throw new RegexSyntaxError('backreferences are not supported');
    if (/^[!-/:-@[-`{-~ ]$/.test(c)) return c.charCodeAt(0);
    throw new RegexSyntaxError(`invalid escape sequence \\${c}`);
  }

  private parseHexEscape(digits: number): number {
    let hex: string;
    if (this.peek() === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) throw new RegexSyntaxError('missing closing } in hex escape');
      hex = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      hex = this.src.slice(this.pos, this.pos + digits);
      this.pos += digits;
      if (hex.length !== digits) throw new RegexSyntaxError('invalid hex escape');
    }
    if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) throw new RegexSyntaxError('invalid hex escape');
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) throw new RegexSyntaxError('invalid hex escape');
    return cp;
  }

  private parseClass(flags: Flags): Node {
    this.pos++; // [
    const set: CharSet = { ranges: [], preds: [], negated: false };
    if (this.peek() === '^') {
      set.negated = true;
      this.pos++;
    }
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new RegexSyntaxError('missing closing ]');
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[' && this.src[this.pos + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 12));
        const ranges = m ? POSIX_CLASSES[m[2]!] : undefined;
        if (!m || !ranges) throw new RegexSyntaxError('invalid character class');
        this.pos += m[0].length;
        const posix: CharSet = { ranges: ranges.flat(), preds: [], negated: m[1] === '^' };
        set.preds.push((cp) => setHas(posix, cp) !== posix.negated);
        continue;
      }
      const lo = this.classAtom();
      if (typeof lo !== 'number') {
        set.preds.push((cp) => setHas(lo, cp) !== lo.negated);
        continue;
      }
      if (this.peek() === '-' && this.src[this.pos + 1] !== ']' && this.src[this.pos + 1] !== undefined) {
        this.pos++;
        const hi = this.classAtom();
        if (typeof hi !== 'number' || hi < lo) throw new RegexSyntaxError('invalid character class range');
        set.ranges.push(lo, hi);
      } else set.ranges.push(lo, lo);
    }
    return { kind: 'set', set, fold: flags.i };
  }

  private classAtom(): number | CharSet {
    const c = this.src[this.pos]!;
    if (c === '\\') {
      this.pos++;
      return this.parseEscapeItem();
    }
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

// ------------------------------------------------------------------ compiler

const Op = { Char: 0, Set: 1, Any: 2, AnyNotNewline: 3, Split: 4, Jump: 5, Assert: 6, Match: 7 } as const;
type Op = (typeof Op)[keyof typeof Op];

interface Inst {
  op: Op;
  /** Char: the canonical (folded) or exact code point; Split/Jump: first target. */
  x: number;
  /** Split: second (lower-priority) target. */
  y: number;
  fold: boolean;
  set: CharSet | null;
  assertion: Assertion | null;
}

class Compiler {
  readonly prog: Inst[] = [];

  private emit(op: Op, fields: Partial<Inst> = {}): number {
    if (this.prog.length >= MAX_REGEX_PROGRAM_SIZE) throw new RegexSyntaxError('pattern is too large or too complex');
    this.prog.push({ op, x: 0, y: 0, fold: false, set: null, assertion: null, ...fields });
    return this.prog.length - 1;
  }

  private at(pc: number): Inst {
    return this.prog[pc]!;
  }

  compile(node: Node): void {
    switch (node.kind) {
      case 'empty':
        return;
      case 'char':
        this.emit(Op.Char, { x: node.fold ? canonical(node.cp) : node.cp, fold: node.fold });
        return;
      case 'set':
        this.emit(Op.Set, { set: node.set, fold: node.fold });
        return;
      case 'any':
        this.emit(node.newline ? Op.Any : Op.AnyNotNewline);
        return;
      case 'assert':
        this.emit(Op.Assert, { assertion: node.assertion });
        return;
      case 'concat':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        node.items.forEach((item, k) => {
          if (k < node.items.length - 1) {
            const split = this.emit(Op.Split);
            this.at(split).x = split + 1;
            this.compile(item);
            jumps.push(this.emit(Op.Jump));
            this.at(split).y = this.prog.length;
          } else this.compile(item);
        });
        for (const j of jumps) this.at(j).x = this.prog.length;
        return;
      }
      case 'repeat':
        this.compileRepeat(node.node, node.min, node.max, node.greedy);
        return;
    }
  }

  private split(split: number, body: number, out: number, greedy: boolean): void {
    this.at(split).x = greedy ? body : out;
    this.at(split).y = greedy ? out : body;
  }

  private compileRepeat(node: Node, min: number, max: number, greedy: boolean): void {
    for (let k = 0; k < min; k++) this.compile(node);
    if (max === Infinity) {
      const loop = this.emit(Op.Split);
      this.compile(node);
      this.at(this.emit(Op.Jump)).x = loop;
      this.split(loop, loop + 1, this.prog.length, greedy);
      return;
    }
    // x{0,k} as nested optionals: (x(x(x)?)?)?; every skip jumps straight to the end.
    const splits: number[] = [];
    for (let k = min; k < max; k++) {
      splits.push(this.emit(Op.Split));
      this.compile(node);
    }
    for (const s of splits) this.split(s, s + 1, this.prog.length, greedy);
  }
}

// ------------------------------------------------------------------ matcher

export interface LinearMatch {
  /** UTF-16 offsets into the searched text. */
  start: number;
  end: number;
  text: string;
}

export type SearchResult = { status: 'match'; match: LinearMatch } | { status: 'none' } | { status: 'budget' };

/** A run queue of threads in priority order; a sparse set makes "already queued" O(1). */
class ThreadList {
  readonly pcs: Int32Array;
  readonly starts: Int32Array;
  private readonly sparse: Int32Array;
  size = 0;
  constructor(n: number) {
    this.pcs = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.sparse = new Int32Array(n);
  }
  has(pc: number): boolean {
    const k = this.sparse[pc]!;
    return k < this.size && this.pcs[k] === pc;
  }
  /** Marks pc as visited (so empty loops terminate) and, for consuming instructions, queues it. */
  add(pc: number, start: number): void {
    this.sparse[pc] = this.size;
    this.pcs[this.size] = pc;
    this.starts[this.size] = start;
    this.size++;
  }
  clear(): void {
    this.size = 0;
  }
}

/** A compiled pattern. Immutable and reusable: compile once per rule, run on every message. */
export class LinearRegex {
  private constructor(
    readonly source: string,
    private readonly prog: Inst[],
  ) {}

  /** Parses and compiles an RE2-syntax pattern (case-insensitive by default, like Discord's). Throws RegexSyntaxError. */
  static compile(source: string): LinearRegex {
    const compiler = new Compiler();
    compiler.compile(new Parser(source).parse());
    compiler.prog.push({ op: Op.Match, x: 0, y: 0, fold: false, set: null, assertion: null });
    return new LinearRegex(source, compiler.prog);
  }

  /** Why the pattern is refused, or null when it compiles. */
  static check(source: string): string | null {
    try {
      LinearRegex.compile(source);
      return null;
    } catch (e) {
      if (e instanceof RegexSyntaxError) return e.message;
      throw e;
    }
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }

  /** The leftmost-first match at or after `from` (as RE2 and Rust report it), or null. */
  exec(text: string, from = 0): LinearMatch | null {
    const result = this.search(text, from, { steps: Infinity });
    return result.status === 'match' ? result.match : null;
  }

  /**
   * Like exec, but stops with 'budget' once `budget.steps` thread steps are spent (the caller's
   * budget is shared across patterns and decremented in place), so a caller can bound the total
   * work for one message.
   */
  search(text: string, from: number, budget: { steps: number }): SearchResult {
    const prog = this.prog;
    let clist = new ThreadList(prog.length);
    let nlist = new ThreadList(prog.length);
    const stack: number[] = [];
    let matchStart = -1;
    let matchEnd = -1;
    let pos = from;
    let prev = from > 0 ? (text.codePointAt(from - 1) ?? -1) : -1;
    if (prev >= 0xdc00 && prev <= 0xdfff && from > 1) prev = text.codePointAt(from - 2) ?? prev;

    const follow = (list: ThreadList, pc0: number, start: number, cur: number): void => {
      stack.push(pc0);
      while (stack.length > 0) {
        const pc = stack.pop()!;
        if (list.has(pc)) continue;
        list.add(pc, start);
        const inst = prog[pc]!;
        if (inst.op === Op.Jump) stack.push(inst.x);
        else if (inst.op === Op.Split) stack.push(inst.y, inst.x);
        else if (inst.op === Op.Assert && assertionHolds(inst.assertion!, prev, cur)) stack.push(pc + 1);
      }
    };

    for (;;) {
      const cur = pos < text.length ? text.codePointAt(pos)! : -1;
      if (matchStart < 0) follow(clist, 0, pos, cur);
      if (clist.size === 0) break;
      const width = cur > 0xffff ? 2 : 1;
      const next = pos + width;
      const nextCp = next < text.length ? text.codePointAt(next)! : -1;
      const savedPrev = prev;
      let folded = -2;
      budget.steps -= clist.size;
      if (budget.steps < 0) return { status: 'budget' };
      for (let k = 0; k < clist.size; k++) {
        const pc = clist.pcs[k]!;
        const inst = prog[pc]!;
        let ok = false;
        switch (inst.op) {
          case Op.Match:
            matchStart = clist.starts[k]!;
            matchEnd = pos;
            k = clist.size; // lower-priority threads lose to this match
            continue;
          case Op.Char:
            if (cur >= 0) {
              if (inst.fold) {
                if (folded === -2) folded = canonical(cur);
                ok = folded === inst.x;
              } else ok = cur === inst.x;
            }
            break;
          case Op.Set:
            ok = cur >= 0 && setMatches(inst.set!, inst.fold, cur);
            break;
          case Op.Any:
            ok = cur >= 0;
            break;
          case Op.AnyNotNewline:
            ok = cur >= 0 && cur !== 10;
            break;
          default:
            break; // Split/Jump/Assert were followed when queued
        }
        if (ok) {
          prev = cur;
          follow(nlist, pc + 1, clist.starts[k]!, nextCp);
          prev = savedPrev;
        }
      }
      if (cur < 0) break;
      prev = cur;
      pos = next;
      [clist, nlist] = [nlist, clist];
      nlist.clear();
    }
    return matchStart < 0 ? { status: 'none' } : { status: 'match', match: { start: matchStart, end: matchEnd, text: text.slice(matchStart, matchEnd) } };
  }
}

function assertionHolds(a: Assertion, prev: number, cur: number): boolean {
  switch (a) {
    case 'bot':
      return prev < 0;
    case 'eot':
      return cur < 0;
    case 'bol':
      return prev < 0 || prev === 10;
    case 'eol':
      return cur < 0 || cur === 10;
    case 'word':
      return wordAt(prev) !== wordAt(cur);
    case 'notWord':
      return wordAt(prev) === wordAt(cur);
  }
}
