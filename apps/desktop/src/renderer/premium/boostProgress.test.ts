import { describe, expect, it } from 'vitest';
import { boostProgress, guildBoostCount, tierOf, tierPerkLines } from './boostProgress.ts';
import { boostMessageText, isBoostMessage } from './boostMessages.ts';

describe('boostProgress', () => {
  it('follows BOOSTS_FOR_TIER: 2, 7 and 14 boosts for levels 1-3', () => {
    expect([0, 1, 2, 6, 7, 13, 14, 30].map((n) => boostProgress(n).tier)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });
  it('says how many more boosts the next level needs', () => {
    expect(boostProgress(1).next).toEqual({ tier: 1, needed: 1 });
    expect(boostProgress(2).next).toEqual({ tier: 2, needed: 5 });
    expect(boostProgress(14).next).toBeNull();
  });
  it('puts each level at a third of the bar and fills between them', () => {
    expect(boostProgress(0).fraction).toBe(0);
    expect(boostProgress(1).fraction).toBeCloseTo(1 / 6);
    expect(boostProgress(2).fraction).toBeCloseTo(1 / 3);
    expect(boostProgress(14).fraction).toBe(1);
  });
  it('reads hostile counts as zero', () => {
    for (const n of [-3, Number.NaN, Number.POSITIVE_INFINITY]) expect(boostProgress(n)).toMatchObject({ tier: 0, count: 0 });
  });
  it('falls back to the reported tier when the count is missing', () => {
    expect(guildBoostCount({ premium_tier: 2 })).toBe(7);
    expect(tierOf({ premium_tier: 0, premium_subscription_count: 3 })).toBe(1);
  });
  it('lists the perks each level adds from the protocol table', () => {
    expect(tierPerkLines(1)).toContain('100 emoji slots (static and animated each)');
    expect(tierPerkLines(3)).toContain('Vanity invite URL');
    expect(tierPerkLines(0)).not.toContain('Vanity invite URL');
  });
});

describe('boost system messages', () => {
  it('reads like Discord’s: the count when more than one, the level reached for types 9-11', () => {
    expect(boostMessageText(8, '', 'Den')).toBe('just boosted the server!');
    expect(boostMessageText(8, '2', 'Den')).toBe('just boosted the server 2 times!');
    expect(boostMessageText(9, '2', 'Den')).toBe('just boosted the server 2 times! Den has achieved Level 1!');
    expect(boostMessageText(11, 'junk', 'Den')).toBe('just boosted the server! Den has achieved Level 3!');
    expect([7, 8, 9, 10, 11, 12].map(isBoostMessage)).toEqual([false, true, true, true, true, false]);
  });
});
