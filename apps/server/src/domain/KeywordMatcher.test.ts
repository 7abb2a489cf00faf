import { describe, expect, it } from 'vitest';
import { KeywordMatcher } from './KeywordMatcher.ts';

const first = (keywords: string[], text: string) => {
  const hit = new KeywordMatcher(keywords).find(text);
  return hit && { keyword: hit.keyword, content: text.slice(hit.start, hit.end) };
};

describe('KeywordMatcher', () => {
  it("follows Discord's wildcard rules and widens wildcard sides to the whole word", () => {
    expect(first(['cat'], 'concatenate cats')).toBeNull();
    expect(first(['cat'], 'a CAT!')).toEqual({ keyword: 'cat', content: 'CAT' });
    expect(first(['cat*'], 'the Catapult')).toEqual({ keyword: 'cat*', content: 'Catapult' });
    expect(first(['*cat'], 'a wildcat')).toEqual({ keyword: '*cat', content: 'wildcat' });
    expect(first(['*cat*'], 'education')).toEqual({ keyword: '*cat*', content: 'education' });
    expect(first(['*cat'], 'catapult')).toBeNull();
    expect(first(['bad word'], 'a BAD WORD here')).toEqual({ keyword: 'bad word', content: 'BAD WORD' });
    expect(first(['*'], 'anything')).toBeNull();
  });

  it('folds case per code point, so offsets stay right around astral and non-ASCII text', () => {
    expect(first(['straße'], '😀 STRAßE')).toEqual({ keyword: 'straße', content: 'STRAßE' });
    expect(first(['ΣΟΦΙΑ'], 'η σοφια')).toEqual({ keyword: 'ΣΟΦΙΑ', content: 'σοφια' });
  });

  it('finds overlapping keywords through failure links and skips excused hits', () => {
    const m = new KeywordMatcher(['*he*', 'she', 'hers']);
    const seen: string[] = [];
    m.find('ushe hers', (h) => {
      seen.push(h.keyword);
      return false;
    });
    expect(seen).toEqual(['*he*', '*he*', 'hers']); // `she` is not a whole word in "ushe"
    const allowed = new KeywordMatcher(['leakproof']).coverage('a leakproof leak');
    expect(new KeywordMatcher(['leak*']).find('a leakproof leak', (h) => !allowed(h.start, h.end))).toMatchObject({ start: 12, end: 16 });
  });

  it('stays fast with 1000 keywords on a 2000-character message', () => {
    const m = new KeywordMatcher(Array.from({ length: 1000 }, (_, i) => `*${'a'.repeat(i % 59)}b*`));
    const started = performance.now();
    for (let k = 0; k < 10; k++) m.find('a'.repeat(2000), () => false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
