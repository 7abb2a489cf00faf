// The field schemas every request schema is built from: colours and the URLs other members'
// clients will open or load (only the listed schemes may pass, whatever their case).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addFieldIssue, colorSchema, webUrlSchema } from './fieldSchemas.ts';
import { parseWith } from './schemas.ts';

describe('colorSchema', () => {
  it.each([0, 1, 0x5865f2, 0xffffff])('accepts the RGB integer %i', (value) => {
    expect(colorSchema.safeParse(value)).toEqual({ success: true, data: value });
  });

  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['0x1000000 (above 24 bits)', 0x1000000],
    ['a fraction', 1.5],
    ['a hex string', '#ffffff'],
    ['a numeric string', '255'],
    ['NaN', Number.NaN],
    ['null', null],
  ])('rejects %s', (_label, value) => {
    expect(colorSchema.safeParse(value).success).toBe(false);
  });
});

describe('webUrlSchema', () => {
  const url = webUrlSchema(64);

  it.each(['http://example.com', 'https://example.com/a?b=c#d', 'HTTPS://EXAMPLE.COM', 'Http://x'])('accepts %s', (value) => {
    expect(url.safeParse(value)).toEqual({ success: true, data: value });
  });

  it.each<[string, unknown]>([
    ['javascript:', 'javascript:alert(1)'],
    ['JavaScript: in mixed case', 'JavaScript://%0aalert(1)'],
    ['a data URI', 'data:text/html,<script>alert(1)</script>'],
    ['a scheme-relative URL', '//example.com'],
    ['a scheme without slashes', 'https:example.com'],
    ['leading whitespace', ' https://example.com'],
    ['ftp', 'ftp://example.com'],
    ['attachment:// where it is not allowed', 'attachment://a.png'],
    ['the empty string', ''],
    ['a number', 42],
  ])('rejects %s', (_label, value) => {
    expect(url.safeParse(value).success).toBe(false);
  });

  it('rejects a URL one character over its maximum length and accepts one at it', () => {
    const prefix = 'https://e.com/';
    expect(url.safeParse(prefix + 'a'.repeat(64 - prefix.length)).success).toBe(true);
    expect(url.safeParse(prefix + 'a'.repeat(65 - prefix.length)).success).toBe(false);
  });

  it('accepts exactly the schemes it is given', () => {
    const image = webUrlSchema(64, ['http', 'https', 'attachment']);
    expect(image.safeParse('attachment://cat.png').success).toBe(true);
    expect(image.safeParse('https://e.com/cat.png').success).toBe(true);
    expect(webUrlSchema(64, ['attachment']).safeParse('https://e.com/cat.png').success).toBe(false);
  });

  it("reports a bad scheme with Discord's URL_TYPE_INVALID_SCHEME on the field", () => {
    const result = parseWith(z.object({ url }), { url: 'javascript:alert(1)' });
    expect(result).toMatchObject({ ok: false, errors: { url: { _errors: [{ code: 'URL_TYPE_INVALID_SCHEME', message: 'Scheme must be one of http, https.' }] } } });
  });
});

describe('addFieldIssue', () => {
  it('puts the given code and message at a path below the refined value', () => {
    const schema = z.object({ list: z.array(z.string()) }).superRefine((v, ctx) => {
      if (v.list.length > 1) addFieldIssue(ctx, ['list', 1], 'SOME_CODE', 'Second item refused.');
    });
    expect(parseWith(schema, { list: ['a'] }).ok).toBe(true);
    expect(parseWith(schema, { list: ['a', 'b'] })).toEqual({ ok: false, errors: { list: { 1: { _errors: [{ code: 'SOME_CODE', message: 'Second item refused.' }] } } } });
  });
});
