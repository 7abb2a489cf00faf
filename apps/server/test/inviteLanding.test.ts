// The public invite preview behind the web client's invite landing page: `GET /invites/:code`
// answers without a token, carries only what Discord's invite object carries, and counts members
// and online members only when asked with `with_counts=true`, as Discord does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, registerUser, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

// Discord's invite object (https://discord.com/developers/docs/resources/invite#invite-object) and
// the partial guild and user it embeds.
const INVITE_KEYS = ['type', 'code', 'guild', 'channel', 'inviter', 'target_type', 'target_user', 'target_application', 'approximate_presence_count', 'approximate_member_count', 'expires_at', 'guild_scheduled_event'];
const INVITE_GUILD_KEYS = ['id', 'name', 'splash', 'banner', 'description', 'icon', 'features', 'verification_level', 'vanity_url_code', 'nsfw_level', 'premium_subscription_count'];
const PUBLIC_USER_KEYS = ['id', 'username', 'discriminator', 'global_name', 'avatar', 'bot', 'system', 'public_flags', 'avatar_decoration_data', 'banner', 'accent_color'];

async function getAnonymously(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.server.url}/api/v9${path}`);
  const body: unknown = await res.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`not an object: ${JSON.stringify(body)}`);
  return { status: res.status, body: Object.fromEntries(Object.entries(body)) };
}

function keysOf(x: unknown): string[] {
  return typeof x === 'object' && x !== null ? Object.keys(x) : [];
}

describe('GET /invites/:code for the invite landing', () => {
  it('answers without a token with the server name, icon and channel name, and nothing beyond Discord\'s invite object', async () => {
    const owner = await registerUser(t, 'landing_owner');
    const guild = await owner.api.createGuild({ name: 'Landing Party' });
    const invite = await owner.api.createInvite(guild.system_channel_id!, { max_age: 0 });

    const { status, body } = await getAnonymously(`/invites/${invite.code}?with_counts=true`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: invite.code, type: 0, guild: { id: guild.id, name: 'Landing Party', icon: null }, channel: { id: guild.system_channel_id, name: 'general' }, inviter: { id: owner.id, username: 'landing_owner' }, expires_at: null });
    expect(keysOf(body).filter((k) => !INVITE_KEYS.includes(k))).toEqual([]);
    expect(keysOf(body['guild']).filter((k) => !INVITE_GUILD_KEYS.includes(k))).toEqual([]);
    expect(keysOf(body['inviter']).filter((k) => !PUBLIC_USER_KEYS.includes(k))).toEqual([]);
    expect(keysOf(body['channel']).sort()).toEqual(['id', 'name', 'type']);
    // Metadata (uses, max_uses, created_at) is for those who manage invites, not for the public.
    expect(body).not.toHaveProperty('uses');
    expect(body).not.toHaveProperty('max_uses');
  });

  it('counts members and online members only with with_counts=true, and invisible members as offline', async () => {
    const owner = await registerUser(t, 'counts_owner');
    const online = await registerUser(t, 'counts_online');
    const hidden = await registerUser(t, 'counts_hidden');
    const offline = await registerUser(t, 'counts_offline');
    const guild = await owner.api.createGuild({ name: 'Counting' });
    const invite = await owner.api.createInvite(guild.system_channel_id!, { max_age: 0 });
    for (const u of [online, hidden, offline]) await u.api.acceptInvite(invite.code);

    const plain = await getAnonymously(`/invites/${invite.code}`);
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('approximate_member_count');
    expect(plain.body).not.toHaveProperty('approximate_presence_count');

    // The presence of IDENTIFY is in place once READY arrives.
    const gwOnline = await connectGateway(t, online.token, 'json');
    const gwHidden = await connectGateway(t, hidden.token, 'json', { presence: { status: 'invisible', activities: [], since: null, afk: false } });
    try {
      const counted = await getAnonymously(`/invites/${invite.code}?with_counts=true`);
      expect(counted.body).toMatchObject({ approximate_member_count: 4, approximate_presence_count: 1 });
    } finally {
      gwOnline.close();
      gwHidden.close();
    }
  });

  it('answers an unknown, used-up or malformed code with 404 Unknown Invite (10006)', async () => {
    const owner = await registerUser(t, 'gone_owner');
    const joiner = await registerUser(t, 'gone_joiner');
    const guild = await owner.api.createGuild({ name: 'Gone' });
    const once = await owner.api.createInvite(guild.system_channel_id!, { max_uses: 1, unique: true });
    await joiner.api.acceptInvite(once.code);

    for (const code of [once.code, 'nosuchcode', 'a'.repeat(200)]) {
      const { status, body } = await getAnonymously(`/invites/${code}?with_counts=true`);
      expect({ code, status, body }).toMatchObject({ code, status: 404, body: { code: 10006, message: 'Unknown Invite' } });
    }
    // Broken percent-encoding never reaches the route (Discord answers its generic 404 there).
    expect((await getAnonymously('/invites/%E2%82?with_counts=true')).status).toBe(404);
  });
});
