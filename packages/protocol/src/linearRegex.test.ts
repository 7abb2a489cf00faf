import { describe, expect, it } from 'vitest';
import { LinearRegex, MAX_REGEX_PROGRAM_SIZE } from './linearRegex.ts';

/** Deterministic pseudo-random numbers (a fixed seed keeps the differential test reproducible). */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

/** Random patterns in the subset where RE2 and V8 agree on ASCII text. */
function randomPattern(r: (n: number) => number, depth = 0): string {
  const atoms = ['a', 'b', 'A', '.', '[ab]', '[^a]', '[a-b ]', '\\s', '\\d', ' ', '\\b', '^', '$', 'x', '\\.'];
  if (depth > 3 || r(3) === 0) return atoms[r(atoms.length)]!;
  switch (r(5)) {
    case 0:
      return randomPattern(r, depth + 1) + randomPattern(r, depth + 1);
    case 1:
      return `(${randomPattern(r, depth + 1)}|${randomPattern(r, depth + 1)})`;
    case 2: {
      // JS refuses empty iterations where RE2 accepts them; keep repeated bodies non-empty so both agree.
      const body = randomPattern(r, depth + 1);
      const nullable = new RegExp(`^(?:${body.replace(/\\b|\^|\$/g, '')})$`).test('');
      return `(?:${nullable ? `${body}a` : body})${['*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?', '??', '{1,2}?'][r(10)]}`;
    }
    case 3:
      return `(${randomPattern(r, depth + 1)})`;
    default:
      return randomPattern(r, depth + 1) + randomPattern(r, depth + 1) + randomPattern(r, depth + 1);
  }
}

describe('LinearRegex', () => {
  it('finds the same leftmost-first matches as a backtracking engine on random patterns', () => {
    const r = rng(14);
    let compared = 0;
    for (let i = 0; i < 1500; i++) {
      const pattern = randomPattern(r);
      const re = LinearRegex.compile(pattern);
      const js = new RegExp(pattern, 'iu');
      for (let j = 0; j < 6; j++) {
        let text = '';
        for (let k = r(14); k > 0; k--) text += 'abAB x.1'.charAt(r(8));
        const want = js.exec(text);
        const got = re.exec(text);
        expect(got && { index: got.start, text: got.text }, `/${pattern}/ on ${JSON.stringify(text)}`).toEqual(want && { index: want.index, text: want[0] });
        compared++;
      }
    }
    expect(compared).toBe(9000);
  });

  it('matches (a+)+$ against 40 a and a ! in linear time', () => {
    const re = LinearRegex.compile('(a+)+$');
    const started = performance.now();
    expect(re.test(`${'a'.repeat(4000)}!`)).toBe(false);
    expect(re.test('a'.repeat(4000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('is case-insensitive and Unicode-aware like Discord', () => {
    expect(LinearRegex.compile('\\bfo+\\b').exec('well FOOOO then')?.text).toBe('FOOOO');
    expect(LinearRegex.compile('\\bfo+\\b').test('foooobar')).toBe(false);
    expect(LinearRegex.compile('straße').test('STRAßE')).toBe(true);
    expect(LinearRegex.compile('ελλάδα').test('ΕΛΛΆΔΑ')).toBe(true);
    expect(LinearRegex.compile('\\p{Greek}+').exec('abc αβγ')?.text).toBe('αβγ');
    expect(LinearRegex.compile('\\w+').exec('  héllo!')?.text).toBe('héllo');
    expect(LinearRegex.compile('[^a]').test('A')).toBe(false);
    expect(LinearRegex.compile('(?-i)abc').test('ABC')).toBe(false);
    expect(LinearRegex.compile('[[:digit:]]{3}').exec('ab 1234')?.text).toBe('123');
    expect(LinearRegex.compile('\\x{1F600}|\\u0041').exec('x😀')?.text).toBe('😀');
    expect(LinearRegex.compile('(?P<word>ab)c').test('ABC')).toBe(true);
    expect(LinearRegex.compile('a{').test('a{')).toBe(true);
  });

  it('refuses what RE2 refuses', () => {
    for (const p of ['(a)\\1', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(?P=x)', '\\k<x>', 'a**', '*a', '(a', 'a)', '[a', '[b-a]', 'a{1001}', 'a{3,2}', '\\p{NotAProperty}', '\\q', '\\']) {
      expect(LinearRegex.check(p), p).not.toBeNull();
    }
  });

  it('refuses patterns whose program would exceed the size cap', () => {
    expect(LinearRegex.check('(?:\\w{1,100}){10}')).toMatch(/too large/);
    expect(LinearRegex.check('\\w{1,400}')).toBeNull();
    expect(MAX_REGEX_PROGRAM_SIZE).toBeGreaterThanOrEqual(800);
  });

  it('keeps the worst accepted pattern on a 4000-character message fast', () => {
    const re = LinearRegex.compile('(?:\\w{1,150}x){3}y');
    const started = performance.now();
    expect(re.test('a'.repeat(4000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops with budget once the shared step budget is spent', () => {
    const re = LinearRegex.compile('(?:\\w{1,150}x){3}y');
    const budget = { steps: 10_000 };
    expect(re.search('a'.repeat(4000), 0, budget).status).toBe('budget');
    expect(LinearRegex.compile('b').search('ab', 0, { steps: 10_000 })).toEqual({ status: 'match', match: { start: 1, end: 2, text: 'b' } });
  });
});
