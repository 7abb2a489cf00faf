// Premium, boosts and instance administration over real HTTP and the gateway (issue 21): each perk
// refused without premium with Discord's code and allowed with it, boosts moving a guild across
// tiers with the limits following, expiry, admin-only routes and their audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { connectGateway, registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

const BASE_UPLOAD = 64 * 1024;
let t: TestServer;
let admin: TestUser;

beforeAll(async () => {
  t = await startTestServer({ MAX_UPLOAD_BYTES: String(BASE_UPLOAD), PREMIUM_SWEEP_MS: '100', VOICE: 'off' });
  // The first registered user of a fresh instance is its admin.
  admin = await registerUser(t);
});
afterAll(async () => {
  await t.close();
});

async function call(user: TestUser, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${t.server.url}/api/v9${route}`, {
    method,
    headers: { authorization: user.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function ok(user: TestUser, method: string, route: string, body?: unknown): Promise<any> {
  const r = await call(user, method, route, body);
  if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

const grant = (userId: string, premium_type: number, expires_at: string | null = null) => ok(admin, 'PUT', `/admin/users/${userId}/premium`, { premium_type, expires_at });

function upload(user: TestUser, channelId: string, bytes: number): Promise<Response> {
  const f = new FormData();
  f.append('payload_json', JSON.stringify({ content: 'file' }));
  f.append('files[0]', new Blob([Buffer.alloc(bytes, 1)], { type: 'application/octet-stream' }), 'big.bin');
  return fetch(`${t.server.url}/api/v9/channels/${channelId}/messages`, { method: 'POST', headers: { authorization: user.token }, body: f });
}

const storedFiles = () => {
  const dir = path.join(t.dataDir, 'attachments');
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, String(f))).isFile()).length : 0;
};

const GIF = `data:image/gif;base64,${Buffer.from('GIF89a animated').toString('base64')}`;
const PNG = `data:image/png;base64,${Buffer.from('\x89PNG banner').toString('base64')}`;

describe('instance administration', () => {
  it('answers the admin routes for the first registered user and refuses others with 403 50013', async () => {
    const other = await registerUser(t);
    expect(await ok(admin, 'GET', '/admin/@me')).toEqual({ instance_admin: true });
    expect(await ok(other, 'GET', '/admin/@me')).toEqual({ instance_admin: false });
    for (const [method, route, body] of [
      ['GET', '/admin/premium'],
      ['PUT', `/admin/users/${other.id}/premium`, { premium_type: 2 }],
      ['DELETE', `/admin/users/${admin.id}/premium`],
      ['GET', '/admin/boosts'],
      ['GET', '/admin/audit'],
    ] as const) {
      const r = await call(other, method, route, body);
      expect(r.status, `${method} ${route}`).toBe(403);
      expect(r.json.code).toBe(50013);
    }
    expect((await ok(admin, 'GET', '/admin/users/@me/premium'.replace('/users/@me/premium', '/premium'))).some((p: any) => p.user.id === other.id)).toBe(false);
  });

  it('grants and revokes premium with USER_UPDATE to the user, the user object, and an audit row per change', async () => {
    const u = await registerUser(t);
    const gw = await connectGateway(t, u.token, 'json');
    try {
      expect((await ok(u, 'GET', '/users/@me')).premium_type).toBe(0);
      const granted = await grant(u.id, 2);
      expect(granted).toMatchObject({ premium_type: 2, expires_at: null, provider: 'instance', granted_by: admin.id, user: { id: u.id } });
      expect((await ok(u, 'GET', '/users/@me')).premium_type).toBe(2);
      await expect.poll(() => gw.of('USER_UPDATE').map((d) => d.premium_type)).toContain(2);
      expect((await ok(admin, 'GET', '/admin/premium')).map((p: any) => p.user.id)).toContain(u.id);
      expect(await ok(u, 'GET', '/users/@me/guilds/premium/subscription-slots')).toHaveLength(2);
      await ok(admin, 'DELETE', `/admin/users/${u.id}/premium`);
      expect((await ok(u, 'GET', '/users/@me')).premium_type).toBe(0);
      await expect.poll(() => gw.of('USER_UPDATE').at(-1)?.premium_type).toBe(0);
      expect(await ok(u, 'GET', '/users/@me/guilds/premium/subscription-slots')).toEqual([]);
      const audit = (await ok(admin, 'GET', '/admin/audit?limit=10')).filter((e: any) => e.target_id === u.id);
      expect(audit.map((e: any) => e.action)).toEqual(['premium.revoke', 'premium.grant']);
      expect(audit[1]).toMatchObject({ actor_id: admin.id, before: null, after: { premium_type: 2, expires_at: null } });
      expect(audit[0]).toMatchObject({ actor_id: admin.id, before: { premium_type: 2 }, after: null });
      // A fresh session's READY carries premium_type too.
      await grant(u.id, 1);
      const again = await connectGateway(t, u.token, 'json');
      expect(again.of('READY')[0]?.user.premium_type).toBe(1);
      again.close();
    } finally {
      gw.close();
    }
  });

  it('ends premium at its expiry (lazily at once, then by the sweep, ending the boosts too)', async () => {
    const u = await registerUser(t);
    const guild = await u.api.createGuild({ name: 'Expiring' });
    await grant(u.id, 2, new Date(Date.now() + 1500).toISOString());
    const slots = await ok(u, 'GET', '/users/@me/guilds/premium/subscription-slots');
    await ok(u, 'PUT', `/guilds/${guild.id}/premium/subscriptions`, { user_premium_guild_subscription_slot_ids: slots.map((s: any) => s.id) });
    expect((await ok(u, 'GET', `/guilds/${guild.id}`)).premium_tier).toBe(1);
    await expect.poll(async () => (await ok(u, 'GET', '/users/@me')).premium_type, { timeout: 5000, interval: 100 }).toBe(0);
    await expect.poll(async () => (await ok(u, 'GET', `/guilds/${guild.id}`)).premium_subscription_count, { timeout: 5000, interval: 100 }).toBe(0);
    expect((await ok(u, 'GET', `/guilds/${guild.id}`)).premium_tier).toBe(0);
    const audit = await ok(admin, 'GET', '/admin/audit?limit=20');
    expect(audit.find((e: any) => e.target_id === u.id && e.action === 'premium.expire')).toMatchObject({ actor_id: null, after: null });
    expect(audit.filter((e: any) => e.target_id === guild.id && e.action === 'boost.end')).toHaveLength(2);
  });

  it('lets a user read their own plan and its end date from GET /users/@me/premium (no admin needed)', async () => {
    const u = await registerUser(t);
    expect(await ok(u, 'GET', '/users/@me/premium')).toEqual({ premium_type: 0, expires_at: null, provider: null, renews: false });
    const ends = new Date(Date.now() + 30 * 86_400_000);
    await grant(u.id, 2, ends.toISOString());
    const mine = await ok(u, 'GET', '/users/@me/premium');
    expect(mine).toEqual({ premium_type: 2, expires_at: expect.any(String), provider: 'instance', renews: false });
    expect(Date.parse(mine.expires_at)).toBe(ends.getTime());
    // Another user's grant is not in their answer, and without a token there is none.
    expect((await ok(admin, 'GET', '/users/@me/premium')).premium_type).toBe(0);
    expect((await fetch(`${t.server.url}/api/v9/users/@me/premium`)).status).toBe(401);
    await grant(u.id, 3);
    expect(await ok(u, 'GET', '/users/@me/premium')).toEqual({ premium_type: 3, expires_at: null, provider: 'instance', renews: false });
    // An expired grant reads as none at once, before the sweep removes it.
    await grant(u.id, 1, new Date(Date.now() + 300).toISOString());
    expect((await ok(u, 'GET', '/users/@me/premium')).premium_type).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    expect(await ok(u, 'GET', '/users/@me/premium')).toEqual({ premium_type: 0, expires_at: null, provider: null, renews: false });
  });

  it('refuses an expiry in the past and an unknown user', async () => {
    const u = await registerUser(t);
    expect((await call(admin, 'PUT', `/admin/users/${u.id}/premium`, { premium_type: 2, expires_at: '2000-01-01T00:00:00Z' })).json.code).toBe(50035);
    expect((await call(admin, 'PUT', `/admin/users/${u.id}/premium`, { premium_type: 4 })).json.code).toBe(50035);
    expect((await call(admin, 'PUT', '/admin/users/1574994256605478915/premium', { premium_type: 2 })).json.code).toBe(10013);
  });
});

describe('perks', () => {
  it('allows 4,000-character messages with Nitro only (50035 BASE_TYPE_MAX_LENGTH at 2,000 otherwise), also on edit', async () => {
    const u = await registerUser(t);
    const channel = (await u.api.createGuild({ name: 'Long' })).system_channel_id!;
    const refused = await call(u, 'POST', `/channels/${channel}/messages`, { content: 'x'.repeat(2001) });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
    const short = await ok(u, 'POST', `/channels/${channel}/messages`, { content: 'short' });
    expect((await call(u, 'PATCH', `/channels/${channel}/messages/${short.id}`, { content: 'y'.repeat(2001) })).json.code).toBe(50035);
    await grant(u.id, 2);
    expect((await ok(u, 'POST', `/channels/${channel}/messages`, { content: 'x'.repeat(4000) })).content).toHaveLength(4000);
    expect((await ok(u, 'PATCH', `/channels/${channel}/messages/${short.id}`, { content: 'y'.repeat(4000) })).content).toHaveLength(4000);
    expect((await call(u, 'POST', `/channels/${channel}/messages`, { content: 'x'.repeat(4001) })).json.errors.content._errors[0].message).toBe('Must be 4000 or fewer in length.');
    // Nitro Classic keeps 2,000.
    await grant(u.id, 1);
    expect((await call(u, 'POST', `/channels/${channel}/messages`, { content: 'x'.repeat(2001) })).json.code).toBe(50035);
  });

  it('refuses an upload over the base limit with 40005 and stores nothing; Nitro raises the limit', async () => {
    const u = await registerUser(t);
    const channel = (await u.api.createGuild({ name: 'Uploads' })).system_channel_id!;
    const before = storedFiles();
    const refused = await upload(u, channel, BASE_UPLOAD + 1);
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { code: number }).code).toBe(40005);
    // A body far over the limit is refused from its Content-Length, before it is read.
    const huge = await upload(u, channel, 3 * 1024 * 1024);
    expect(huge.status).toBe(413);
    expect(storedFiles()).toBe(before);
    expect(await u.api.getMessages(channel)).toHaveLength(0);
    await grant(u.id, 3);
    const sent = await upload(u, channel, 3 * 1024 * 1024);
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { attachments: { size: number }[] }).attachments[0]!.size).toBe(3 * 1024 * 1024);
    expect(storedFiles()).toBe(before + 1);
  });

  it('allows animated avatars and profile banners with Nitro only (50035 on the field otherwise)', async () => {
    const u = await registerUser(t);
    const avatar = await call(u, 'PATCH', '/users/@me', { avatar: GIF });
    expect(avatar.status).toBe(400);
    expect(avatar.json).toMatchObject({ code: 50035, errors: { avatar: { _errors: [{ code: 'ANIMATED_AVATAR_PREMIUM_REQUIRED' }] } } });
    const banner = await call(u, 'PATCH', '/users/@me', { banner: PNG });
    expect(banner.json).toMatchObject({ code: 50035, errors: { banner: { _errors: [{ code: 'BANNER_PREMIUM_REQUIRED' }] } } });
    expect((await ok(u, 'PATCH', '/users/@me', { avatar: PNG })).avatar).toMatch(/^[0-9a-f]{32}$/);
    // Nitro Basic has neither perk.
    await grant(u.id, 3);
    expect((await call(u, 'PATCH', '/users/@me', { avatar: GIF })).json.code).toBe(50035);
    await grant(u.id, 2);
    const gw = await connectGateway(t, u.token, 'json');
    try {
      const me = await ok(u, 'PATCH', '/users/@me', { avatar: GIF, banner: PNG });
      expect(me.avatar).toMatch(/^a_[0-9a-f]{32}$/);
      expect(me.banner).toMatch(/^[0-9a-f]{32}$/);
      await expect.poll(() => gw.of('USER_UPDATE').at(-1)?.banner).toBe(me.banner);
      expect((await ok(admin, 'GET', `/users/${u.id}`)).banner).toBe(me.banner);
      // The banner survives a restart (it is in the users table, written through the premium store).
      await t.restart();
      expect((await ok(u, 'GET', '/users/@me')).banner).toBe(me.banner);
      expect((await ok(u, 'GET', '/users/@me')).premium_type).toBe(2);
    } finally {
      gw.close();
    }
  });
});

describe('boosts', () => {
  it('moves a guild across tiers: count, tier, premium_since, system messages, bitrate and upload caps, vanity URL', async () => {
    const owner = await registerUser(t);
    const guild = await owner.api.createGuild({ name: 'Boosted' });
    const system = guild.system_channel_id!;
    const invite = await owner.api.createInvite(system);
    const boosters: TestUser[] = [];
    for (let i = 0; i < 7; i++) {
      const b = await registerUser(t);
      await b.api.acceptInvite(invite.code);
      await grant(b.id, 2);
      boosters.push(b);
    }
    const plain = await registerUser(t);
    await plain.api.acceptInvite(invite.code);
    const gw = await connectGateway(t, owner.token, 'json');
    const boostAll = async (b: TestUser) => {
      const slots = await ok(b, 'GET', '/users/@me/guilds/premium/subscription-slots');
      return ok(b, 'PUT', `/guilds/${guild.id}/premium/subscriptions`, { user_premium_guild_subscription_slot_ids: slots.map((s: any) => s.id) });
    };
    try {
      // Tier 0: 96 kbps cap; a non-premium upload over the base limit is refused.
      const over = await call(owner, 'POST', `/guilds/${guild.id}/channels`, { name: 'hifi', type: 2, bitrate: 128_000 });
      expect(over.json).toMatchObject({ code: 50035, errors: { bitrate: { _errors: [{ code: 'BASE_TYPE_MAX', message: 'int value should be less than or equal to 96000.' }] } } });
      expect((await upload(plain, system, BASE_UPLOAD + 1)).status).toBe(413);
      expect((await call(owner, 'PATCH', `/guilds/${guild.id}/vanity-url`, { code: 'boosted' })).json.code).toBe(50101);

      // Tier 1 with two boosts.
      const first = await boostAll(boosters[0]!);
      expect(first).toHaveLength(2);
      expect(first[0]).toMatchObject({ user_id: boosters[0]!.id, guild_id: guild.id, ended: false });
      let g = await ok(owner, 'GET', `/guilds/${guild.id}`);
      expect(g).toMatchObject({ premium_subscription_count: 2, premium_tier: 1 });
      await expect.poll(() => gw.of('GUILD_UPDATE').at(-1)?.premium_tier).toBe(1);
      // The tier moved, so the emoji and sticker lists (their availability follows the slots) go out again.
      await expect.poll(() => gw.of('GUILD_EMOJIS_UPDATE').filter((e: { guild_id: string }) => e.guild_id === guild.id).length).toBe(1);
      await expect.poll(() => gw.of('GUILD_STICKERS_UPDATE').filter((e: { guild_id: string }) => e.guild_id === guild.id).length).toBe(1);
      const member = await ok(owner, 'GET', `/guilds/${guild.id}/members/${boosters[0]!.id}`);
      expect(Date.parse(member.premium_since)).toBeGreaterThan(Date.now() - 60_000);
      const voice = await ok(owner, 'POST', `/guilds/${guild.id}/channels`, { name: 'hifi', type: 2, bitrate: 128_000 });
      expect((await call(owner, 'PATCH', `/channels/${voice.id}`, { bitrate: 256_000 })).json.errors.bitrate._errors[0].message).toBe('int value should be less than or equal to 128000.');

      // Tier 2 at seven boosts: 256 kbps and 50 MiB uploads for everyone in the guild.
      for (const b of boosters.slice(1, 4)) await boostAll(b);
      g = await ok(owner, 'GET', `/guilds/${guild.id}`);
      expect(g).toMatchObject({ premium_subscription_count: 8, premium_tier: 2 });
      expect((await ok(owner, 'PATCH', `/channels/${voice.id}`, { bitrate: 256_000 })).bitrate).toBe(256_000);
      const plainUpload = await upload(plain, system, BASE_UPLOAD + 1);
      expect(plainUpload.status).toBe(200);
      expect((await ok(plain, 'GET', `/guilds/${guild.id}/premium/subscriptions`)).map((s: any) => s.user.id)).toHaveLength(8);

      // Tier 3 at fourteen: the vanity URL, and joining through it.
      for (const b of boosters.slice(4)) await boostAll(b);
      expect((await ok(owner, 'GET', `/guilds/${guild.id}`)).premium_tier).toBe(3);
      expect(await ok(owner, 'PATCH', `/guilds/${guild.id}/vanity-url`, { code: 'Boosted-Guild' })).toEqual({ code: 'boosted-guild' });
      expect((await call(plain, 'PATCH', `/guilds/${guild.id}/vanity-url`, { code: 'mine' })).json.code).toBe(50013);
      const joiner = await registerUser(t);
      expect((await ok(joiner, 'GET', '/invites/boosted-guild')).guild.id).toBe(guild.id);
      expect((await ok(joiner, 'POST', '/invites/boosted-guild')).guild_id).toBe(guild.id);
      expect(await ok(owner, 'GET', `/guilds/${guild.id}/vanity-url`)).toEqual({ code: 'boosted-guild', uses: 1 });

      // The system channel got Discord's boost messages: type 9/10/11 when a tier was reached (at 2, 8
      // and 14 boosts, two per booster), else 8; content is the number of boosts applied at once.
      const boostMessages = (await owner.api.getMessages(system)).filter((m) => m.type >= 8 && m.type <= 11).reverse();
      expect(boostMessages.map((m) => m.type)).toEqual([9, 8, 8, 10, 8, 8, 11]);
      expect(boostMessages.map((m) => m.content)).toEqual(Array(7).fill('2'));

      // Removing a boost drops the tier and the vanity invite stops working.
      const mine = (await ok(boosters[6]!, 'GET', `/guilds/${guild.id}/premium/subscriptions`)).filter((s: any) => s.user_id === boosters[6]!.id);
      expect((await call(boosters[0]!, 'DELETE', `/guilds/${guild.id}/premium/subscriptions/${mine[0].id}`)).json.code).toBe(10047);
      expect((await call(boosters[6]!, 'DELETE', `/guilds/${guild.id}/premium/subscriptions/${mine[0].id}`)).status).toBe(204);
      expect(await ok(owner, 'GET', `/guilds/${guild.id}`)).toMatchObject({ premium_subscription_count: 13, premium_tier: 2 });
      expect((await call(joiner, 'GET', '/invites/boosted-guild')).json.code).toBe(10006);
      // Losing premium ends that user's boosts.
      await ok(admin, 'DELETE', `/admin/users/${boosters[5]!.id}/premium`);
      expect((await ok(owner, 'GET', `/guilds/${guild.id}`)).premium_subscription_count).toBe(11);
      expect((await ok(owner, 'GET', `/guilds/${guild.id}/members/${boosters[5]!.id}`)).premium_since).toBeNull();
      expect((await ok(admin, 'GET', '/admin/boosts')).filter((b: any) => b.guild_id === guild.id)).toHaveLength(11);
    } finally {
      gw.close();
    }
  }, 60_000);

  it('refuses slots that are not the caller\'s with 50035', async () => {
    const u = await registerUser(t);
    const guild = await u.api.createGuild({ name: 'Nope' });
    const r = await call(u, 'PUT', `/guilds/${guild.id}/premium/subscriptions`, { user_premium_guild_subscription_slot_ids: ['1574994256605478915'] });
    expect(r.json.code).toBe(50035);
    expect((await call(u, 'PUT', `/guilds/${guild.id}/premium/subscriptions`, { user_premium_guild_subscription_slot_ids: 'x' })).json.code).toBe(50035);
  });
});
