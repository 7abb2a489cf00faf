// Custom emoji and stickers over real HTTP and the real gateway (issue 21): Discord's name, size and
// format rules, permissions, slots by boost tier, GUILD_EMOJIS_UPDATE / GUILD_STICKERS_UPDATE, the
// files at the CDN paths, audit entries, and who may use an emoji or sticker in messages and reactions.
import { RestError } from '@concord/client';
import { AuditLogEvent, PermissionFlags, type APIGuildEmoji, type APIMessage, type APISticker } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { LOTTIE, WEBP_ANIMATED, WEBP_LOSSY, dataUri, gif, png } from './expressionFixtures.ts';

let t: TestServer;
let owner: TestUser; // the first user: also the instance admin (grants premium)
let member: TestUser;
let outsider: TestUser; // in a second guild only
let guildId: string;
let general: string;
let otherGuildId: string;
let otherGeneral: string;
let memberGw: Recorder;

async function failure(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

const createEmoji = (u: TestUser, guild: string, name: string, image: string, roles?: string[]) =>
  u.api.rest.post<APIGuildEmoji>(`/guilds/${guild}/emojis`, { name, image, ...(roles ? { roles } : {}) });

function stickerForm(fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  return form;
}
const createSticker = (u: TestUser, guild: string, form: FormData) => u.api.rest.request<APISticker>('POST', `/guilds/${guild}/stickers`, { form });
const react = (u: TestUser, channel: string, message: string, emoji: string) =>
  u.api.rest.put<void>(`/channels/${channel}/messages/${message}/reactions/${encodeURIComponent(emoji)}/@me`);
const send = (u: TestUser, channel: string, body: Record<string, unknown>) => u.api.rest.post<APIMessage>(`/channels/${channel}/messages`, body);
const grantNitro = (userId: string) => owner.api.rest.put(`/admin/users/${userId}/premium`, { premium_type: 2 });
const revokeNitro = (userId: string) => owner.api.rest.delete(`/admin/users/${userId}/premium`);

beforeAll(async () => {
  t = await startTestServer();
  owner = await registerUser(t);
  member = await registerUser(t);
  outsider = await registerUser(t);
  const g = await guildWithMember(owner, member);
  guildId = g.guild.id;
  general = g.general;
  const other = await guildWithMember(owner, outsider);
  otherGuildId = other.guild.id;
  otherGeneral = other.general;
  // The member is in both guilds: emoji of the second guild are "external" for them in the first.
  await member.api.acceptInvite(other.invite.code);
  memberGw = await connectGateway(t, member.token, 'json');
});
afterAll(async () => {
  memberGw.close();
  await t.close();
});

describe('custom emoji', () => {
  let wave: APIGuildEmoji;

  it('creates an emoji from a PNG labelled image/jpg (as discord.js sends it) and announces GUILD_EMOJIS_UPDATE', async () => {
    wave = await createEmoji(owner, guildId, 'wave', dataUri(png(64, 64)));
    expect(wave).toMatchObject({ name: 'wave', animated: false, available: true, roles: [], require_colons: true, managed: false });
    expect(wave.user?.id).toBe(owner.id);
    await eventually(() => memberGw.of('GUILD_EMOJIS_UPDATE').some((d) => d.guild_id === guildId && d.emojis.some((e: APIGuildEmoji) => e.id === wave.id)), 'GUILD_EMOJIS_UPDATE');
    const listed = await member.api.rest.get<APIGuildEmoji[]>(`/guilds/${guildId}/emojis`);
    expect(listed.map((e) => e.id)).toEqual([wave.id]);
    // A member without CREATE_/MANAGE_GUILD_EXPRESSIONS does not see who uploaded it (Discord's rule).
    expect(listed[0]!.user).toBeUndefined();
    expect((await owner.api.rest.get<APIGuildEmoji>(`/guilds/${guildId}/emojis/${wave.id}`)).user?.id).toBe(owner.id);
  });

  it('serves the image at /emojis/<id>.png with its real type, and 404 for unknown ids', async () => {
    const res = await fetch(`${t.server.url}/emojis/${wave.id}.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(png(64, 64))).toBe(true);
    expect((await fetch(`${t.server.url}/emojis/123456789012345678.png`)).status).toBe(404);
    expect((await fetch(`${t.server.url}/emojis/${wave.id}.exe`)).status).toBe(404);
  });

  it('reads animated GIF and WebP as animated, static WebP as static', async () => {
    const party = await createEmoji(owner, guildId, 'party', dataUri(gif(3)));
    const spin = await createEmoji(owner, guildId, 'spin', dataUri(WEBP_ANIMATED));
    const dot = await createEmoji(owner, guildId, 'dot', dataUri(WEBP_LOSSY));
    expect([party.animated, spin.animated, dot.animated]).toEqual([true, true, false]);
    const res = await fetch(`${t.server.url}/emojis/${party.id}.gif`);
    expect(res.headers.get('content-type')).toBe('image/gif');
  });

  it("puts the guild's emoji in READY's guilds and in GET /guilds/:id", async () => {
    const fresh = await connectGateway(t, member.token, 'json');
    try {
      const inReady = fresh.of('READY')[0].guilds.find((g: { id: string }) => g.id === guildId);
      const guild = inReady?.emojis ? inReady : fresh.of('GUILD_CREATE').find((g) => g.id === guildId);
      expect(guild.emojis.map((e: APIGuildEmoji) => e.name)).toEqual(expect.arrayContaining(['wave', 'party', 'spin', 'dot']));
    } finally {
      fresh.close();
    }
    const guild = await member.api.getGuild(guildId);
    expect(guild.emojis.map((e) => e.name)).toEqual(expect.arrayContaining(['wave', 'party']));
  });

  it("refuses names outside Discord's rules with 50035", async () => {
    const short = await failure(createEmoji(owner, guildId, 'a', dataUri(png())));
    expect(short.code).toBe(50035);
    expect(short.errors?.['name']).toEqual({ _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 2 and 32 in length.' }] });
    const long = await failure(createEmoji(owner, guildId, 'x'.repeat(33), dataUri(png())));
    expect(long.errors?.['name']).toMatchObject({ _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] });
    const dashed = await failure(createEmoji(owner, guildId, 'bad-name', dataUri(png())));
    expect(dashed.errors?.['name']).toMatchObject({ _errors: [{ code: 'STRING_TYPE_REGEX' }] });
  });

  it('refuses files over 256 KiB, non-data-URIs and bytes that are no image, storing nothing', async () => {
    const before = (await owner.api.rest.get<APIGuildEmoji[]>(`/guilds/${guildId}/emojis`)).length;
    const big = png(16, 16, { padBytes: 256 * 1024 });
    const tooBig = await failure(createEmoji(owner, guildId, 'huge', dataUri(big)));
    expect(tooBig.code).toBe(50035);
    expect(tooBig.errors?.['image']).toEqual({ _errors: [{ code: 'BINARY_TYPE_MAX_SIZE', message: 'File cannot be larger than 256.0 kb.' }] });
    const notUri = await failure(createEmoji(owner, guildId, 'link', 'https://example.com/a.png'));
    expect(notUri.errors?.['image']).toMatchObject({ _errors: [{ code: 'BINARY_TYPE_INVALID_DATA_URI' }] });
    const notImage = await failure(createEmoji(owner, guildId, 'text', dataUri(Buffer.from('just some text'), 'image/png')));
    expect(notImage.errors?.['image']).toMatchObject({ _errors: [{ code: 'IMAGE_INVALID' }] });
    const truncated = await failure(createEmoji(owner, guildId, 'cut', dataUri(png(16, 16).subarray(0, 40))));
    expect(truncated.errors?.['image']).toMatchObject({ _errors: [{ code: 'IMAGE_INVALID' }] });
    expect(await owner.api.rest.get<APIGuildEmoji[]>(`/guilds/${guildId}/emojis`)).toHaveLength(before);
  });

  it('needs CREATE_ or MANAGE_GUILD_EXPRESSIONS (50013); creators edit their own, only MANAGE touches others', async () => {
    const refused = await failure(createEmoji(member, guildId, 'nope', dataUri(png())));
    expect([refused.status, refused.code]).toEqual([403, 50013]);
    const role = await owner.api.createRole(guildId, { name: 'Emoji makers', permissions: PermissionFlags.CREATE_GUILD_EXPRESSIONS.toString() });
    await owner.api.addMemberRole(guildId, member.id, role.id);
    const mine = await createEmoji(member, guildId, 'mine', dataUri(png(8, 8)));
    const renamed = await member.api.rest.patch<APIGuildEmoji>(`/guilds/${guildId}/emojis/${mine.id}`, { name: 'mine_renamed' });
    expect(renamed.name).toBe('mine_renamed');
    const others = await failure(member.api.rest.patch(`/guilds/${guildId}/emojis/${wave.id}`, { name: 'stolen' }));
    expect(others.code).toBe(50013);
    expect((await failure(member.api.rest.delete(`/guilds/${guildId}/emojis/${wave.id}`))).code).toBe(50013);
    await member.api.rest.delete(`/guilds/${guildId}/emojis/${mine.id}`);
    expect((await failure(member.api.rest.get(`/guilds/${guildId}/emojis/${mine.id}`))).code).toBe(10014);
    await owner.api.removeMemberRole(guildId, member.id, role.id);
  });

  it('writes EMOJI_CREATE (60), EMOJI_UPDATE (61) and EMOJI_DELETE (62) audit entries', async () => {
    const e = await createEmoji(owner, guildId, 'audited', dataUri(png(4, 4)));
    await owner.api.rest.patch(`/guilds/${guildId}/emojis/${e.id}`, { name: 'audited2' }, { reason: 'clearer' });
    await owner.api.rest.delete(`/guilds/${guildId}/emojis/${e.id}`);
    type Entry = { action_type: number; target_id: string; reason?: string; changes?: unknown[] };
    let mine: Entry[] = [];
    // Entries are written in the background after the answer: poll until all three are there.
    for (let i = 0; i < 50 && mine.length < 3; i++) {
      const log = await owner.api.rest.get<{ audit_log_entries: Entry[] }>(`/guilds/${guildId}/audit-logs`);
      mine = log.audit_log_entries.filter((x) => x.target_id === e.id);
      if (mine.length < 3) await new Promise((r) => setTimeout(r, 20));
    }
    expect(mine.map((x) => x.action_type).sort()).toEqual([AuditLogEvent.EMOJI_CREATE, AuditLogEvent.EMOJI_UPDATE, AuditLogEvent.EMOJI_DELETE]);
    const update = mine.find((x) => x.action_type === AuditLogEvent.EMOJI_UPDATE)!;
    expect(update.reason).toBe('clearer');
    expect(update.changes).toEqual([{ key: 'name', old_value: 'audited', new_value: 'audited2' }]);
  });

  it('fills 50 static slots at tier 0, then refuses with 30008; animated emoji have their own 50', async () => {
    const g = await owner.api.createGuild({ name: 'Slots' });
    const image = dataUri(png(4, 4));
    for (let i = 0; i < 50; i++) await createEmoji(owner, g.id, `s${i}`, image);
    const full = await failure(createEmoji(owner, g.id, 'one_more', image));
    expect([full.status, full.code]).toEqual([400, 30008]);
    expect(full.message).toMatch(/30008: Maximum number of emojis reached \(50\)$/);
    expect((await createEmoji(owner, g.id, 'animated_ok', dataUri(gif(2)))).animated).toBe(true);
  });
});

describe('custom emoji in messages and reactions', () => {
  let home: APIGuildEmoji; // of the first guild
  let away: APIGuildEmoji; // of the second guild: external in the first
  let locked: APIGuildEmoji; // of the first guild, for one role only
  let target: APIMessage;

  beforeAll(async () => {
    home = await createEmoji(owner, guildId, 'home', dataUri(png(4, 4, { rgba: [1, 2, 3, 255] })));
    away = await createEmoji(owner, otherGuildId, 'away', dataUri(png(4, 4, { rgba: [4, 5, 6, 255] })));
    const vip = await owner.api.createRole(guildId, { name: 'VIP' });
    locked = await createEmoji(owner, guildId, 'vip_only', dataUri(png(4, 4, { rgba: [7, 8, 9, 255] })), [vip.id]);
    target = await send(owner, general, { content: 'react to me' });
  });

  it("keeps this guild's emoji in content and writes another guild's as :name: without Nitro", async () => {
    const sent = await send(member, general, { content: `hi <:home:${home.id}> and <:away:${away.id}> and <a:ghost:123456789012345678>` });
    expect(sent.content).toBe(`hi <:home:${home.id}> and :away: and :ghost:`);
    await eventually(() => memberGw.of('MESSAGE_CREATE').some((m) => m.id === sent.id), 'MESSAGE_CREATE');
    expect(memberGw.of('MESSAGE_CREATE').find((m) => m.id === sent.id).content).toBe(sent.content);
  });

  it('keeps an external emoji for a member with Nitro, and only for them', async () => {
    await grantNitro(member.id);
    try {
      const sent = await send(member, general, { content: `<:away:${away.id}>` });
      expect(sent.content).toBe(`<:away:${away.id}>`);
      // Nitro is not enough for an emoji of a guild the sender is not in.
      const g3 = await owner.api.createGuild({ name: 'Elsewhere' });
      const hidden = await createEmoji(owner, g3.id, 'hidden', dataUri(png(3, 3)));
      expect((await send(member, general, { content: `<:hidden:${hidden.id}>` })).content).toBe(':hidden:');
    } finally {
      await revokeNitro(member.id);
    }
  });

  it('writes a role-locked emoji as :name: for members without the role', async () => {
    const sent = await send(member, general, { content: `<:vip_only:${locked.id}>` });
    expect(sent.content).toBe(':vip_only:');
  });

  it('applies the same rule when a message is edited', async () => {
    const sent = await send(member, general, { content: 'plain' });
    const edited = await member.api.rest.patch<APIMessage>(`/channels/${general}/messages/${sent.id}`, { content: `now <:away:${away.id}>` });
    expect(edited.content).toBe('now :away:');
  });

  it('adds a reaction with a custom emoji (name:id and a:name:id) and dispatches it with id, name and animated', async () => {
    await react(member, general, target.id, `home:${home.id}`);
    await eventually(() => memberGw.of('MESSAGE_REACTION_ADD').some((r) => r.message_id === target.id), 'MESSAGE_REACTION_ADD');
    expect(memberGw.of('MESSAGE_REACTION_ADD').find((r) => r.message_id === target.id).emoji).toEqual({ id: home.id, name: 'home', animated: false });
    // Another spelling of the same emoji counts as the same reaction.
    await react(owner, general, target.id, `whatever:${home.id}`);
    const message = await owner.api.getMessage(general, target.id);
    expect(message.reactions).toEqual([expect.objectContaining({ count: 2, me: true, emoji: { id: home.id, name: 'home', animated: false } })]);
    const users = await owner.api.rest.get<{ id: string }[]>(`/channels/${general}/messages/${target.id}/reactions/${encodeURIComponent(`home:${home.id}`)}`);
    expect(users.map((u) => u.id).sort()).toEqual([owner.id, member.id].sort());
  });

  it('refuses an unknown custom emoji with 10014', async () => {
    const unknown = await failure(react(member, general, target.id, 'nope:123456789012345678'));
    expect([unknown.status, unknown.code]).toEqual([404, 10014]);
    expect((await failure(react(member, general, target.id, 'not an emoji'))).code).toBe(10014);
  });

  it("refuses another guild's emoji without Nitro (50013), allows it with Nitro", async () => {
    const refused = await failure(react(member, general, target.id, `away:${away.id}`));
    expect([refused.status, refused.code]).toEqual([403, 50013]);
    await grantNitro(member.id);
    try {
      await react(member, general, target.id, `away:${away.id}`);
    } finally {
      await revokeNitro(member.id);
    }
    // An emoji of a guild the reacting user is not in is unknown to them, as on Discord.
    const notHere = await failure(react(outsider, otherGeneral, (await send(outsider, otherGeneral, { content: 'x' })).id, `home:${home.id}`));
    expect(notHere.code).toBe(10014);
  });

  it('refuses a role-locked emoji to members without the role (50013)', async () => {
    expect((await failure(react(member, general, target.id, `vip_only:${locked.id}`))).code).toBe(50013);
  });
});

describe('stickers', () => {
  let sticker: APISticker;

  it('creates a PNG sticker from a multipart form and announces GUILD_STICKERS_UPDATE', async () => {
    sticker = await createSticker(owner, guildId, stickerForm({ name: 'Wave', description: 'a friendly wave', tags: 'wave' }, { bytes: png(320, 320), name: 'wave.png', type: 'image/png' }));
    expect(sticker).toMatchObject({ name: 'Wave', description: 'a friendly wave', tags: 'wave', type: 2, format_type: 1, available: true, guild_id: guildId });
    await eventually(() => memberGw.of('GUILD_STICKERS_UPDATE').some((d) => d.stickers.some((s: APISticker) => s.id === sticker.id)), 'GUILD_STICKERS_UPDATE');
    expect((await member.api.rest.get<APISticker>(`/stickers/${sticker.id}`)).name).toBe('Wave');
    const res = await fetch(`${t.server.url}/stickers/${sticker.id}.png`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect((await member.api.getGuild(guildId)).stickers.map((s) => s.id)).toContain(sticker.id);
  });

  it('takes GIF and Lottie files and refuses WebP and other bytes with 50046', async () => {
    const animated = await createSticker(owner, guildId, stickerForm({ name: 'Party', tags: 'party' }, { bytes: gif(2), name: 'p.gif', type: 'image/gif' }));
    expect([animated.format_type, animated.description]).toEqual([4, null]);
    const lottie = await createSticker(owner, guildId, stickerForm({ name: 'Lottie', tags: 'anim' }, { bytes: LOTTIE, name: 'l.json', type: 'application/json' }));
    expect(lottie.format_type).toBe(3);
    const webp = await failure(createSticker(owner, guildId, stickerForm({ name: 'Webp', tags: 'x' }, { bytes: WEBP_LOSSY, name: 'w.webp', type: 'image/webp' })));
    expect([webp.status, webp.code]).toEqual([400, 50046]);
  });

  it("refuses names, descriptions and files outside Discord's rules", async () => {
    const file = { bytes: png(), name: 's.png', type: 'image/png' };
    const name = await failure(createSticker(owner, guildId, stickerForm({ name: 'x', tags: 't' }, file)));
    expect(name.errors?.['name']).toMatchObject({ _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 2 and 30 in length.' }] });
    const description = await failure(createSticker(owner, guildId, stickerForm({ name: 'Okay', description: 'x', tags: 't' }, file)));
    expect(description.errors?.['description']).toMatchObject({ _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] });
    const noFile = await failure(createSticker(owner, guildId, stickerForm({ name: 'Okay', tags: 't' })));
    expect(noFile.errors?.['file']).toMatchObject({ _errors: [{ code: 'BASE_TYPE_REQUIRED' }] });
    const big = await failure(createSticker(owner, guildId, stickerForm({ name: 'Big', tags: 't' }, { bytes: png(8, 8, { padBytes: 512 * 1024 }), name: 'b.png', type: 'image/png' })));
    expect(big.errors?.['file']).toMatchObject({ _errors: [{ code: 'BINARY_TYPE_MAX_SIZE', message: 'File cannot be larger than 512.0 kb.' }] });
    const refused = await failure(createSticker(member, guildId, stickerForm({ name: 'Mine', tags: 't' }, file)));
    expect(refused.code).toBe(50013);
  });

  it('fills 5 sticker slots at tier 0, then refuses with 30039', async () => {
    const g = await owner.api.createGuild({ name: 'Sticker slots' });
    const file = { bytes: png(), name: 's.png', type: 'image/png' };
    for (let i = 0; i < 5; i++) await createSticker(owner, g.id, stickerForm({ name: `Sticker ${i}`, tags: 't' }, file));
    const full = await failure(createSticker(owner, g.id, stickerForm({ name: 'One more', tags: 't' }, file)));
    expect([full.status, full.code]).toEqual([400, 30039]);
  });

  it('sends a message with sticker_ids and carries sticker_items', async () => {
    const sent = await send(member, general, { sticker_ids: [sticker.id] });
    expect(sent.sticker_items).toEqual([{ id: sticker.id, name: 'Wave', format_type: 1 }]);
    expect((await member.api.getMessage(general, sent.id)).sticker_items).toEqual(sent.sticker_items);
    expect((await failure(send(member, general, { sticker_ids: ['123456789012345678'] }))).code).toBe(10060);
    const four = await failure(send(member, general, { sticker_ids: [sticker.id, '1234567890123456781', '1234567890123456782', '1234567890123456783'] }));
    expect(four.code).toBe(50035);
  });

  it("refuses another guild's sticker without Nitro (50081) and allows it with Nitro", async () => {
    const away = await createSticker(owner, otherGuildId, stickerForm({ name: 'Away', tags: 'a' }, { bytes: png(9, 9), name: 'a.png', type: 'image/png' }));
    expect((await failure(send(member, general, { sticker_ids: [away.id] }))).code).toBe(50081);
    await grantNitro(member.id);
    try {
      expect((await send(member, general, { sticker_ids: [away.id] })).sticker_items?.[0]?.id).toBe(away.id);
    } finally {
      await revokeNitro(member.id);
    }
  });

  it('edits and deletes a sticker (STICKER_UPDATE 91, STICKER_DELETE 92)', async () => {
    const edited = await owner.api.rest.patch<APISticker>(`/guilds/${guildId}/stickers/${sticker.id}`, { name: 'Big wave', description: null });
    expect([edited.name, edited.description]).toEqual(['Big wave', null]);
    await owner.api.rest.delete(`/guilds/${guildId}/stickers/${sticker.id}`);
    expect((await failure(owner.api.rest.get(`/stickers/${sticker.id}`))).code).toBe(10060);
    const log = await owner.api.rest.get<{ audit_log_entries: { action_type: number; target_id: string }[] }>(`/guilds/${guildId}/audit-logs`);
    expect(log.audit_log_entries.filter((x) => x.target_id === sticker.id).map((x) => x.action_type).sort()).toEqual([90, 91, 92]);
  });
});

describe('persistence', () => {
  it('keeps emoji and stickers (and their files) across a restart', async () => {
    const before = await owner.api.rest.get<APIGuildEmoji[]>(`/guilds/${guildId}/emojis`);
    const stickers = await owner.api.rest.get<APISticker[]>(`/guilds/${guildId}/stickers`);
    memberGw.close();
    await t.restart();
    owner = { ...owner, api: t.api(owner.token) };
    member = { ...member, api: t.api(member.token) };
    memberGw = await connectGateway(t, member.token, 'json');
    expect(await owner.api.rest.get<APIGuildEmoji[]>(`/guilds/${guildId}/emojis`)).toEqual(before);
    expect(await owner.api.rest.get<APISticker[]>(`/guilds/${guildId}/stickers`)).toEqual(stickers);
    expect((await fetch(`${t.server.url}/emojis/${before[0]!.id}.png`)).status).toBe(200);
  });
});
