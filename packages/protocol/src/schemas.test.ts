// REST bodies fail with Discord's 50035 shape: {errors: {field: {_errors: [{code, message}]}}},
// nested by path, with Discord's error codes. Bots parse these, so the shape is the contract.
import { describe, expect, it } from 'vitest';
import type { FieldErrors } from './errors.ts';
import {
  AckBody,
  BulkDeleteBody,
  CreateBanBody,
  CreateChannelBody,
  CreateDMBody,
  CreateGuildBody,
  CreateInviteBody,
  CreateMessageBody,
  CreateRoleBody,
  FollowChannelBody,
  IdentifyData,
  LoginBody,
  MessageHistoryQuery,
  ModifyGuildBody,
  ModifyMemberBody,
  ModifySelfBody,
  PutRelationshipBody,
  RegisterBody,
  ReorderChannelsBody,
  RequestGuildMembersData,
  ResumeData,
  SendFriendRequestBody,
  VoiceStateUpdateData,
  parseWith,
  permissionsSchema,
  snowflakeSchema,
  toFieldErrors,
  z,
} from './schemas.ts';

/** The errors of a parse that must fail. */
function errorsOf(schema: z.ZodTypeAny, value: unknown): FieldErrors {
  const result = parseWith(schema, value);
  if (result.ok) throw new Error(`expected ${JSON.stringify(value)} to be rejected, got ${JSON.stringify(result.value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return result.errors;
}

/** Follows a path of keys through nested field errors and returns the codes found there. */
function codesAt(errors: FieldErrors, ...path: string[]): string[] {
  let node: unknown = errors;
  for (const key of path) {
    node = typeof node === 'object' && node !== null && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  const list = (node as FieldErrors | undefined)?._errors;
  return list ? list.map((e) => e.code) : [];
}

function valueOf<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const result = parseWith(schema, value);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to parse, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

describe('parseWith on CreateMessageBody', () => {
  // The schema bounds content at Nitro's 4,000; the 2,000 of a sender without Nitro is the server domain's rule.
  it('rejects content over 4000 characters with BASE_TYPE_MAX_LENGTH on content', () => {
    const errors = errorsOf(CreateMessageBody, { content: 'x'.repeat(4001) });
    const contentErrors = errors['content'] as FieldErrors;
    expect(contentErrors._errors?.[0]?.code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(contentErrors._errors?.[0]?.message).toBe('Must be 4000 or fewer in length.');
    expect(Object.keys(errors)).toEqual(['content']);
  });

  it('accepts content of exactly 4000 characters', () => {
    expect(valueOf(CreateMessageBody, { content: 'x'.repeat(4000) }).content).toHaveLength(4000);
  });

  it('nests an array path like embeds.0.fields.1.name as objects keyed by index', () => {
    const errors = errorsOf(CreateMessageBody, {
      embeds: [{ title: 'ok', fields: [{ name: 'fine', value: 'v' }, { name: '', value: 'v' }] }],
    });
    expect(codesAt(errors, 'embeds', '0', 'fields', '1', 'name')).toEqual(['BASE_TYPE_MIN_LENGTH']);
    expect(errors).toEqual({
      embeds: { '0': { fields: { '1': { name: { _errors: [{ code: 'BASE_TYPE_MIN_LENGTH', message: 'Must be 1 or more in length.' }] } } } } },
    });
    expect(Array.isArray(errors['embeds'])).toBe(false);
    expect(Object.keys(errors)).not.toContain('embeds.0.fields.1.name');
  });

  it('reports several failing fields side by side, sharing their common parents', () => {
    const errors = errorsOf(CreateMessageBody, {
      content: 5,
      embeds: [{ fields: [{ name: 'n'.repeat(257), value: '' }] }, { title: 't'.repeat(257) }],
    });
    expect(codesAt(errors, 'content')).toEqual(['BASE_TYPE_INVALID']);
    expect(codesAt(errors, 'embeds', '0', 'fields', '0', 'name')).toEqual(['BASE_TYPE_MAX_LENGTH']);
    expect(codesAt(errors, 'embeds', '0', 'fields', '0', 'value')).toEqual(['BASE_TYPE_MIN_LENGTH']);
    expect(codesAt(errors, 'embeds', '1', 'title')).toEqual(['BASE_TYPE_MAX_LENGTH']);
  });

  it('reports too many embeds on the array itself', () => {
    const errors = errorsOf(CreateMessageBody, { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) });
    expect(codesAt(errors, 'embeds')).toEqual(['BASE_TYPE_MAX_LENGTH']);
  });

  it('reports an invalid snowflake inside message_reference with NUMBER_TYPE_COERCE', () => {
    const errors = errorsOf(CreateMessageBody, { content: 'reply', message_reference: { message_id: 'not-an-id' } });
    expect(codesAt(errors, 'message_reference', 'message_id')).toEqual(['NUMBER_TYPE_COERCE']);
  });
});

describe('parseWith error codes', () => {
  it('reports a missing required field with BASE_TYPE_REQUIRED', () => {
    const errors = errorsOf(LoginBody, { password: 'hunter22' });
    expect(errors).toEqual({ login: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } });
  });

  it('reports every missing required field', () => {
    const errors = errorsOf(LoginBody, {});
    expect(codesAt(errors, 'login')).toEqual(['BASE_TYPE_REQUIRED']);
    expect(codesAt(errors, 'password')).toEqual(['BASE_TYPE_REQUIRED']);
  });

  // snowflakeSchema is a z.union: a missing value must still read as "required", not "invalid".
  it('reports a missing required snowflake field with BASE_TYPE_REQUIRED', () => {
    expect(codesAt(errorsOf(FollowChannelBody, {}), 'webhook_channel_id')).toEqual(['BASE_TYPE_REQUIRED']);
  });

  it('reports a present field of the wrong type with BASE_TYPE_INVALID, not BASE_TYPE_REQUIRED', () => {
    expect(codesAt(errorsOf(FollowChannelBody, { webhook_channel_id: null }), 'webhook_channel_id')).not.toContain('BASE_TYPE_REQUIRED');
    expect(codesAt(errorsOf(CreateMessageBody, { tts: 'yes' }), 'tts')).toEqual(['BASE_TYPE_INVALID']);
  });

  it('reports too few array items with BASE_TYPE_MIN_LENGTH', () => {
    expect(codesAt(errorsOf(BulkDeleteBody, { messages: ['175928847299117063'] }), 'messages')).toEqual(['BASE_TYPE_MIN_LENGTH']);
  });

  it('reports a number out of range with NUMBER_TYPE_MAX', () => {
    expect(codesAt(errorsOf(CreateRoleBody, { color: 0x1000000 }), 'color')).toEqual(['NUMBER_TYPE_MAX']);
  });

  it('reports a malformed datetime with STRING_TYPE_INVALID', () => {
    expect(codesAt(errorsOf(ModifyMemberBody, { communication_disabled_until: 'tomorrow' }), 'communication_disabled_until')).toEqual(['STRING_TYPE_INVALID']);
  });

  it('puts errors of a top-level array body under the index keys', () => {
    const errors = toFieldErrors([{ code: 'custom', path: [2, 'id'], message: 'bad', params: { code: 'NUMBER_TYPE_COERCE' } }]);
    expect(errors).toEqual({ '2': { id: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'bad' }] } } });
  });

  it('puts an error without a path on the root', () => {
    const errors = toFieldErrors([{ code: 'custom', path: [], message: 'Cannot send an empty message' }]);
    expect(errors).toEqual({ _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Cannot send an empty message' }] });
  });

  // A path segment "__proto__" (a z.record key, e.g. an activity's assets in IDENTIFY) comes from
  // client input and must never reach Object.prototype.
  it('does not write onto Object.prototype for a "__proto__" path segment', () => {
    try {
      toFieldErrors([{ code: 'custom', path: ['assets', '__proto__'], message: 'too long' }]);
      expect(Object.hasOwn(Object.prototype, '_errors')).toBe(false);
    } finally {
      delete (Object.prototype as { _errors?: unknown })._errors;
    }
  });
});

describe('snowflakeSchema', () => {
  it.each<[string, unknown, string]>([
    ['a numeric string', '175928847299117063', '175928847299117063'],
    ['the largest u64', '18446744073709551615', '18446744073709551615'],
    ['"0"', '0', '0'],
    ['a safe integer number', 80351110224678, '80351110224678'],
    ['the number 0', 0, '0'],
  ])('accepts %s as a decimal string', (_label, input, expected) => {
    expect(valueOf(snowflakeSchema, input)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['letters', 'abc'],
    ['a negative string', '-1'],
    ['2^64', '18446744073709551616'],
    ['21 digits', '123456789012345678901'],
    ['the empty string', ''],
    ['a padded string', ' 1'],
  ])('rejects %s with NUMBER_TYPE_COERCE', (_label, input) => {
    expect(errorsOf(snowflakeSchema, input)._errors?.map((e) => e.code)).toEqual(['NUMBER_TYPE_COERCE']);
  });

  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a boolean', true],
    ['null', null],
    ['an object', { id: '1' }],
  ])('rejects %s', (_label, input) => {
    expect(parseWith(snowflakeSchema, input).ok).toBe(false);
  });
});

describe('permissionsSchema', () => {
  it.each<[string, unknown, bigint]>([
    ['a decimal string', '8', 8n],
    ['a string above 2^53', '1125899906842624', 1n << 50n],
    ['a string above 2^32', '1099511627776', 1n << 40n],
    ['a safe integer', 2048, 2048n],
  ])('turns %s into a bigint', (_label, input, expected) => {
    const value = valueOf(permissionsSchema, input);
    expect(typeof value).toBe('bigint');
    expect(value).toBe(expected);
  });

  it('yields a bigint inside a role body', () => {
    expect(valueOf(CreateRoleBody, { name: 'Moderators', permissions: '1099511627776' }).permissions).toBe(1n << 40n);
  });

  it.each<[string, unknown]>([
    ['letters', 'abc'],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a value above u64', '18446744073709551616'],
  ])('rejects %s with NUMBER_TYPE_COERCE', (_label, input) => {
    expect(errorsOf(permissionsSchema, input)._errors?.map((e) => e.code)).toEqual(['NUMBER_TYPE_COERCE']);
  });

  it('reports a bad permissions field of a role body on that field', () => {
    expect(codesAt(errorsOf(CreateRoleBody, { permissions: '8 OR 1=1' }), 'permissions')).toEqual(['NUMBER_TYPE_COERCE']);
  });
});

describe('MessageHistoryQuery', () => {
  it('coerces a limit query string into a number', () => {
    expect(valueOf(MessageHistoryQuery, { limit: '25' })).toEqual({ limit: 25 });
  });

  it('defaults the limit to 50', () => {
    expect(valueOf(MessageHistoryQuery, {})).toEqual({ limit: 50 });
  });

  it.each(['1', '100'])('accepts the boundary limit %s', (limit) => {
    expect(valueOf(MessageHistoryQuery, { limit }).limit).toBe(Number(limit));
  });

  it.each<[string, string]>([
    ['0', 'NUMBER_TYPE_MIN'],
    ['101', 'NUMBER_TYPE_MAX'],
    ['-5', 'NUMBER_TYPE_MIN'],
  ])('rejects limit %s with %s', (limit, code) => {
    expect(codesAt(errorsOf(MessageHistoryQuery, { limit }), 'limit')).toEqual([code]);
  });

  it.each(['abc', '2.5'])('rejects the non-integer limit %s', (limit) => {
    expect(codesAt(errorsOf(MessageHistoryQuery, { limit }), 'limit')).toHaveLength(1);
  });

  it('keeps before/after/around as snowflake strings and rejects a bad one', () => {
    expect(valueOf(MessageHistoryQuery, { limit: '10', before: '175928847299117063' })).toEqual({ limit: 10, before: '175928847299117063' });
    expect(codesAt(errorsOf(MessageHistoryQuery, { around: 'latest' }), 'around')).toEqual(['NUMBER_TYPE_COERCE']);
  });
});

describe('allowed_mentions, message_reference and other client-controlled structures', () => {
  it.each(['users', 'roles'] as const)('refuses parse ["%s"] together with a %s list (MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE)', (kind) => {
    const errors = errorsOf(CreateMessageBody, { content: 'x', allowed_mentions: { parse: [kind], [kind]: ['175928847299117063'] } });
    expect(errors).toEqual({ allowed_mentions: { _errors: [{ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.` }] } });
  });

  it('accepts parse with an empty list of the same kind, and a list without parse', () => {
    expect(valueOf(CreateMessageBody, { content: 'x', allowed_mentions: { parse: ['users'], users: [] } }).allowed_mentions).toEqual({ parse: ['users'], users: [] });
    expect(valueOf(CreateMessageBody, { content: 'x', allowed_mentions: { parse: ['everyone'], users: ['1'] } }).allowed_mentions).toEqual({ parse: ['everyone'], users: ['1'] });
  });

  it('refuses 101 allowed users and a parse value outside users/roles/everyone', () => {
    expect(codesAt(errorsOf(CreateMessageBody, { allowed_mentions: { users: Array.from({ length: 101 }, (_, i) => String(i + 1)) } }), 'allowed_mentions', 'users')).toEqual(['BASE_TYPE_MAX_LENGTH']);
    expect(parseWith(CreateMessageBody, { allowed_mentions: { parse: ['here'] } }).ok).toBe(false);
  });

  it('takes message_reference type 0 or 1 only', () => {
    expect(valueOf(CreateMessageBody, { content: 'x', message_reference: { message_id: '1', type: 1 } }).message_reference?.type).toBe(1);
    expect(parseWith(CreateMessageBody, { content: 'x', message_reference: { message_id: '1', type: 2 } }).ok).toBe(false);
  });

  it('strips unknown keys of an attachment description and of an ack body', () => {
    expect(valueOf(CreateMessageBody, { attachments: [{ id: 0, filename: 'a.png', payload: 'x'.repeat(100) }] }).attachments).toEqual([{ id: 0, filename: 'a.png' }]);
    expect(valueOf(AckBody, { token: null, anything: { deep: true } })).toEqual({ token: null });
  });

  it("bounds IDENTIFY's properties to 32 scalars", () => {
    expect(parseWith(IdentifyData, { token: 't', properties: { os: 'linux', client_build_number: 1 } }).ok).toBe(true);
    expect(parseWith(IdentifyData, { token: 't', properties: { os: { toString: 1 } } }).ok).toBe(false);
    expect(parseWith(IdentifyData, { token: 't', properties: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }).ok).toBe(false);
  });
});

// Every body at its bounds: one row per rule, the last value that passes next to the first that fails.
describe('request bodies at their bounds', () => {
  const twoIds = ['100000000000000001', '100000000000000002'];
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000000001n + BigInt(i)));
  it.each<[string, boolean, z.ZodTypeAny, unknown]>([
    ['RegisterBody: a 2-character username', true, RegisterBody, { username: 'ab', password: 'password1' }],
    ['RegisterBody: a 1-character username', false, RegisterBody, { username: 'a', password: 'password1' }],
    ['RegisterBody: a 32-character username', true, RegisterBody, { username: 'a'.repeat(32), password: 'password1' }],
    ['RegisterBody: a 33-character username', false, RegisterBody, { username: 'a'.repeat(33), password: 'password1' }],
    ['RegisterBody: letters, digits, _ and .', true, RegisterBody, { username: 'a_b.C9', password: 'password1' }],
    ['RegisterBody: a space in the username', false, RegisterBody, { username: 'a b', password: 'password1' }],
    ['RegisterBody: a non-ASCII username', false, RegisterBody, { username: 'émile', password: 'password1' }],
    ['RegisterBody: an 8-character password', true, RegisterBody, { username: 'ab', password: '12345678' }],
    ['RegisterBody: a 7-character password', false, RegisterBody, { username: 'ab', password: '1234567' }],
    ['RegisterBody: a malformed email', false, RegisterBody, { username: 'ab', password: 'password1', email: 'not-an-email' }],
    ['RegisterBody: a null email', true, RegisterBody, { username: 'ab', password: 'password1', email: null }],
    ['ModifySelfBody: a 190-character bio', true, ModifySelfBody, { bio: 'x'.repeat(190) }],
    ['ModifySelfBody: a 191-character bio', false, ModifySelfBody, { bio: 'x'.repeat(191) }],
    ['ModifySelfBody: a 7-character new password', false, ModifySelfBody, { new_password: '1234567' }],
    ['ModifySelfBody: an accent colour above 0xffffff', false, ModifySelfBody, { accent_color: 0x1000000 }],
    ['CreateGuildBody: a 2-character name', true, CreateGuildBody, { name: 'ab' }],
    ['CreateGuildBody: a name of 1 character after trimming', false, CreateGuildBody, { name: ' a ' }],
    ['CreateGuildBody: verification level 4', true, CreateGuildBody, { name: 'ab', verification_level: 4 }],
    ['CreateGuildBody: verification level 5', false, CreateGuildBody, { name: 'ab', verification_level: 5 }],
    ['ModifyGuildBody: an AFK timeout of 300 s', true, ModifyGuildBody, { afk_timeout: 300 }],
    ['ModifyGuildBody: an AFK timeout of 301 s', false, ModifyGuildBody, { afk_timeout: 301 }],
    ['CreateChannelBody: a text channel', true, CreateChannelBody, { name: 'general', type: 0 }],
    ['CreateChannelBody: a category', true, CreateChannelBody, { name: 'stuff', type: 4 }],
    ['CreateChannelBody: a DM (type 1) in a guild', false, CreateChannelBody, { name: 'dm', type: 1 }],
    ['CreateChannelBody: a group DM (type 3) in a guild', false, CreateChannelBody, { name: 'dm', type: 3 }],
    ['CreateChannelBody: bitrate 8000', true, CreateChannelBody, { name: 'v', type: 2, bitrate: 8000 }],
    ['CreateChannelBody: bitrate 7999', false, CreateChannelBody, { name: 'v', type: 2, bitrate: 7999 }],
    ['CreateChannelBody: user limit 99', true, CreateChannelBody, { name: 'v', type: 2, user_limit: 99 }],
    ['CreateChannelBody: user limit 100', false, CreateChannelBody, { name: 'v', type: 2, user_limit: 100 }],
    ['CreateChannelBody: slowmode of 6 hours', true, CreateChannelBody, { name: 'c', rate_limit_per_user: 21_600 }],
    ['CreateChannelBody: slowmode over 6 hours', false, CreateChannelBody, { name: 'c', rate_limit_per_user: 21_601 }],
    ['CreateChannelBody: an overwrite of type 2', false, CreateChannelBody, { name: 'c', permission_overwrites: [{ id: twoIds[0], type: 2 }] }],
    ['CreateChannelBody: 101 overwrites', false, CreateChannelBody, { name: 'c', permission_overwrites: ids(101).map((id) => ({ id, type: 1 })) }],
    ['ReorderChannelsBody: an empty list', false, ReorderChannelsBody, []],
    ['ReorderChannelsBody: 500 channels', true, ReorderChannelsBody, ids(500).map((id) => ({ id }))],
    ['ReorderChannelsBody: 501 channels', false, ReorderChannelsBody, ids(501).map((id) => ({ id }))],
    ['CreateBanBody: 7 days of messages in seconds', true, CreateBanBody, { delete_message_seconds: 604_800 }],
    ['CreateBanBody: one second more', false, CreateBanBody, { delete_message_seconds: 604_801 }],
    ['CreateBanBody: 8 days of messages (legacy field)', false, CreateBanBody, { delete_message_days: 8 }],
    ['CreateInviteBody: max_age of 7 days', true, CreateInviteBody, { max_age: 604_800 }],
    ['CreateInviteBody: max_age over 7 days', false, CreateInviteBody, { max_age: 604_801 }],
    ['CreateInviteBody: 100 uses', true, CreateInviteBody, { max_uses: 100 }],
    ['CreateInviteBody: 101 uses', false, CreateInviteBody, { max_uses: 101 }],
    ['BulkDeleteBody: 2 messages', true, BulkDeleteBody, { messages: twoIds }],
    ['BulkDeleteBody: 1 message', false, BulkDeleteBody, { messages: twoIds.slice(0, 1) }],
    ['BulkDeleteBody: 100 messages', true, BulkDeleteBody, { messages: ids(100) }],
    ['BulkDeleteBody: 101 messages', false, BulkDeleteBody, { messages: ids(101) }],
    ['CreateDMBody: one recipient', true, CreateDMBody, { recipient_id: twoIds[0] }],
    ['CreateDMBody: a group of 9 recipients', true, CreateDMBody, { recipients: ids(9) }],
    ['CreateDMBody: a group of 10 recipients', false, CreateDMBody, { recipients: ids(10) }],
    ['CreateDMBody: neither recipient_id nor recipients', false, CreateDMBody, {}],
    ['SendFriendRequestBody: discriminator "0001"', true, SendFriendRequestBody, { username: 'bob', discriminator: '0001' }],
    ['SendFriendRequestBody: discriminator 9999', true, SendFriendRequestBody, { username: 'bob', discriminator: 9999 }],
    ['SendFriendRequestBody: a 5-digit discriminator', false, SendFriendRequestBody, { username: 'bob', discriminator: '12345' }],
    ['SendFriendRequestBody: a blank username', false, SendFriendRequestBody, { username: '   ' }],
    ['PutRelationshipBody: {} (send or accept)', true, PutRelationshipBody, {}],
    ['PutRelationshipBody: type 2 (block)', true, PutRelationshipBody, { type: 2 }],
    ['PutRelationshipBody: type 3 (pending) cannot be put', false, PutRelationshipBody, { type: 3 }],
    ['ResumeData: seq null', true, ResumeData, { token: 't', session_id: 's', seq: null }],
    ['ResumeData: a negative seq', false, ResumeData, { token: 't', session_id: 's', seq: -1 }],
    ['ResumeData: no seq at all', false, ResumeData, { token: 't', session_id: 's' }],
    ['VoiceStateUpdateData: leaving voice', true, VoiceStateUpdateData, { guild_id: twoIds[0], channel_id: null, self_mute: false, self_deaf: false }],
    ['VoiceStateUpdateData: without self_deaf', false, VoiceStateUpdateData, { guild_id: twoIds[0], channel_id: null, self_mute: false }],
    ['RequestGuildMembersData: 100 guild ids', true, RequestGuildMembersData, { guild_id: ids(100) }],
    ['RequestGuildMembersData: 101 guild ids', false, RequestGuildMembersData, { guild_id: ids(101) }],
    ['RequestGuildMembersData: a 33-character nonce', false, RequestGuildMembersData, { guild_id: twoIds[0], nonce: 'n'.repeat(33) }],
    ['RequestGuildMembersData: limit 1000', true, RequestGuildMembersData, { guild_id: twoIds[0], limit: 1000 }],
    ['RequestGuildMembersData: limit 1001', false, RequestGuildMembersData, { guild_id: twoIds[0], limit: 1001 }],
    ['ModifyMemberBody: a timeout with an offset', true, ModifyMemberBody, { communication_disabled_until: '2024-05-14T18:32:11+02:00' }],
    ['ModifyMemberBody: 251 roles', false, ModifyMemberBody, { roles: ids(251) }],
  ])('%s: accepted %s', (_label, accepted, schema, value) => {
    expect(parseWith(schema, value).ok).toBe(accepted);
  });

  it('trims a registered username and global name', () => {
    expect(valueOf(RegisterBody, { username: '  alice  ', password: 'password1', global_name: '  Alice  ' })).toMatchObject({ username: 'alice', global_name: 'Alice' });
  });
});
