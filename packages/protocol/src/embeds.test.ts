// Embeds: Discord's per-field limits and the 6000-character total across a message's embeds.
import { describe, expect, it } from 'vitest';
import { EMBED_LIMITS, embedTextLength } from './embeds.ts';
import { CreateMessageBody, EditMessageBody, parseWith } from './schemas.ts';
import { WebhookMessageBody } from './bots.ts';

const TOTAL_ERROR = { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Embed size exceeds maximum size of 6000' }] };

describe('embeds of a message', () => {
  it('counts title, description, field names and values, footer text and author name', () => {
    expect(embedTextLength({ title: 'ab', description: 'cde', fields: [{ name: 'f', value: 'gh' }], footer: { text: 'ij' }, author: { name: 'k' } })).toBe(11);
  });

  it.each([
    ['CreateMessageBody', CreateMessageBody],
    ['EditMessageBody', EditMessageBody],
    ['WebhookMessageBody', WebhookMessageBody],
  ])('%s refuses ten 4096-character descriptions with "Embed size exceeds maximum size of 6000"', (_name, schema) => {
    const result = parseWith(schema, { embeds: Array.from({ length: 10 }, () => ({ description: 'd'.repeat(4096) })) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual({ embeds: TOTAL_ERROR });
  });

  it('accepts exactly 6000 characters and refuses 6001', () => {
    const embeds = (extra: number) => [
      { description: 'd'.repeat(4096) },
      { title: 't'.repeat(256), fields: [{ name: 'n', value: 'v'.repeat(1024) }], footer: { text: 'f'.repeat(EMBED_LIMITS.total - 4096 - 256 - 1 - 1024 + extra) } },
    ];
    expect(parseWith(CreateMessageBody, { embeds: embeds(0) }).ok).toBe(true);
    expect(parseWith(CreateMessageBody, { embeds: embeds(1) }).ok).toBe(false);
  });

  it('applies the total to the legacy single `embed` too', () => {
    const embed = { description: 'd'.repeat(4096), fields: Array.from({ length: 3 }, () => ({ name: 'n', value: 'v'.repeat(1000) })) };
    const result = parseWith(CreateMessageBody, { embed });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual({ embed: TOTAL_ERROR });
  });

  it('strips keys Discord does not define, at every level', () => {
    const result = parseWith(CreateMessageBody, { embeds: [{ title: 't', x: 1, footer: { text: 'f', y: 2 }, fields: [{ name: 'n', value: 'v', z: 3 }] }] });
    expect(result.ok && result.value.embeds).toEqual([{ title: 't', footer: { text: 'f' }, fields: [{ name: 'n', value: 'v' }] }]);
  });

  it.each([
    ['a javascript: url', { url: 'javascript:alert(1)' }],
    ['a data: image', { image: { url: 'data:image/png;base64,AAAA' } }],
    ['a colour above 0xFFFFFF', { color: 0x1000000 }],
    ['a timestamp that is not ISO 8601', { timestamp: 'yesterday' }],
    ['26 fields', { fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }],
    ['an empty footer text', { footer: { text: '' } }],
  ])('refuses %s', (_what, embed) => {
    expect(parseWith(CreateMessageBody, { embeds: [embed] }).ok).toBe(false);
  });

  it('accepts http(s) links and attachment:// images', () => {
    expect(parseWith(CreateMessageBody, { embeds: [{ url: 'https://a.example', image: { url: 'attachment://cat.png' }, thumbnail: { url: 'http://b.example/t.png' } }] }).ok).toBe(true);
  });
});
