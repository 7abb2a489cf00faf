import { describe, expect, it } from 'vitest';
import { guildInitials, userInitials } from './avatar.ts';

describe('guildInitials', () => {
  it('takes the first letter of each word, at most three', () => {
    expect(guildInitials('Rocket League Fans')).toBe('RLF');
    expect(guildInitials('  one two three four ')).toBe('ott');
    expect(guildInitials('   ')).toBe('?');
  });

  it('keeps an emoji that starts a word whole', () => {
    expect(guildInitials('🚀 Launch')).toBe('🚀L');
  });
});

describe('userInitials', () => {
  it('takes the first letters of two words, upper-cased', () => {
    expect(userInitials('ada_lovelace')).toBe('AL');
    expect(userInitials('grace hopper')).toBe('GH');
  });

  it('takes the first two characters of a single word, emoji kept whole', () => {
    expect(userInitials('bob')).toBe('BO');
    expect(userInitials('🚀x')).toBe('🚀X');
    expect(userInitials('')).toBe('?');
  });
});
