import { RestError } from '@concord/client';
import { describe, expect, it } from 'vitest';
import { normalizeVanityInput, vanityRefusal } from './vanityUrl.ts';

const refused = (code: number, message: string, errors?: RestError['errors']) => new RestError(400, code, message, errors, 'PATCH', '/guilds/1/vanity-url');

describe('vanityRefusal', () => {
  it('says a 50020 code is taken', () => {
    expect(vanityRefusal(refused(50020, 'Invite code is either invalid or taken.'))).toEqual({ code: 50020, text: expect.stringMatching(/^That vanity URL is taken/) });
  });

  it('shows the code field’s own message for 50035', () => {
    const err = refused(50035, 'Invalid Form Body', { code: { _errors: [{ code: 'INVALID_VANITY_URL', message: 'Must be 2-32 letters, digits or dashes.' }] } });
    expect(vanityRefusal(err)).toEqual({ code: 50035, text: 'Must be 2-32 letters, digits or dashes.' });
  });

  it('falls back to the server’s message for a 50035 on another field, and to the error for a network failure', () => {
    expect(vanityRefusal(refused(50035, 'Invalid Form Body', { other: { _errors: [{ code: 'X', message: 'nope' }] } })).text).toBe('Invalid Form Body');
    expect(vanityRefusal(new TypeError('Failed to fetch'))).toEqual({ code: null, text: 'Failed to fetch' });
  });

  it('names the level for 50101', () => {
    expect(vanityRefusal(refused(50101, 'This server needs more boosts to perform this action')).text).toBe('This server needs Level 3 (14 Boosts) for a vanity URL.');
  });
});

describe('normalizeVanityInput', () => {
  it('trims and lower-cases as the server stores it', () => {
    expect(normalizeVanityInput('  Emoji-Lab ')).toBe('emoji-lab');
    expect(normalizeVanityInput('   ')).toBe('');
  });
});
