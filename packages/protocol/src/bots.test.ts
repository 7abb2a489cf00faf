// Bot-platform bodies: bounds on what an application stores and every client receives.
import { describe, expect, it } from 'vitest';
import { ApplicationCommandBody } from './bots.ts';
import { parseWith } from './schemas.ts';

describe('command localizations', () => {
  it("takes Discord's locale codes as keys (es-419 too) and refuses anything else or more than 40", () => {
    const command = (name_localizations: unknown) => ({ name: 'ping', description: 'Ping', name_localizations });
    expect(parseWith(ApplicationCommandBody, command({ 'en-US': 'ping', 'es-419': 'ping', fr: 'ping' })).ok).toBe(true);
    expect(parseWith(ApplicationCommandBody, command({ ['x'.repeat(1000)]: 'ping' })).ok).toBe(false);
    expect(parseWith(ApplicationCommandBody, command(Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`a${String.fromCharCode(97 + (i % 26))}-${String(i).padStart(2, '0')}`, 'p'])))).ok).toBe(false);
  });
});
