// Channel webhooks: management with MANAGE_WEBHOOKS, execution by token (no account), and the
// webhook shown as the author. Also driven by discord.js's own WebhookClient, unmodified.
import { PermissionFlags } from '@concord/protocol';
import { EmbedBuilder, WebhookClient } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from '../harness.ts';
import { restError } from './botHarness.ts';

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let guildId: string;
let general: string;
let bobGw: Recorder;


beforeAll(async () => {
  t = await startTestServer();
  alice = await registerUser(t);
  bob = await registerUser(t);
  const g = await guildWithMember(alice, bob);
  guildId = g.guild.id;
  general = g.general;
  bobGw = await connectGateway(t, bob.token, 'json');
});
afterAll(async () => {
  bobGw.close();
  await t.close();
});

const anon = () => t.api();

describe('webhooks', () => {
  it('are created and listed only with MANAGE_WEBHOOKS (50013 otherwise), announced with WEBHOOKS_UPDATE', async () => {
    expect((await restError(bob.api.rest.post(`/channels/${general}/webhooks`, { name: 'Nope' }))).code).toBe(50013);
    expect((await restError(bob.api.rest.get(`/guilds/${guildId}/webhooks`))).code).toBe(50013);
    const hook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'Alerts' });
    expect(hook).toMatchObject({ type: 1, name: 'Alerts', channel_id: general, guild_id: guildId, user: { id: alice.id } });
    expect(hook.token.length).toBeGreaterThan(40);
    expect(hook.url).toBe(`${t.server.url}/api/webhooks/${hook.id}/${hook.token}`);
    expect((await alice.api.rest.get<any[]>(`/channels/${general}/webhooks`)).map((w) => w.id)).toContain(hook.id);
    expect((await alice.api.rest.get<any[]>(`/guilds/${guildId}/webhooks`)).map((w) => w.id)).toContain(hook.id);
    await eventually(() => bobGw.of('WEBHOOKS_UPDATE').some((e) => e.channel_id === general), 'WEBHOOKS_UPDATE');
    // Reading it by token does not reveal the token again.
    const byToken = await anon().rest.get<any>(`/webhooks/${hook.id}/${hook.token}`);
    expect(byToken.name).toBe('Alerts');
    expect(byToken.token).toBeUndefined();
  });

  it('refuses names with "discord" or "clyde" (50035)', async () => {
    expect((await restError(alice.api.rest.post(`/channels/${general}/webhooks`, { name: 'Discord Bot' }))).code).toBe(50035);
  });

  it('executes with the token alone, showing the webhook (or the override) as the author', async () => {
    const hook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'CI' });
    const path = `/webhooks/${hook.id}/${hook.token}`;
    expect(await anon().rest.post(path, { content: 'no wait' })).toBeUndefined();
    const msg = await anon().rest.post<any>(`${path}?wait=true`, {
      content: 'build passed',
      username: 'Build Bot',
      avatar_url: 'https://example.com/ci.png',
      embeds: [{ title: 'main #42', description: 'all green', color: 0x23a55a, footer: { text: 'ci' }, author: { name: 'CI' }, fields: [{ name: 'time', value: '3m', inline: true }] }],
    });
    expect(msg).toMatchObject({ content: 'build passed', webhook_id: hook.id, author: { id: hook.id, username: 'Build Bot', avatar: 'https://example.com/ci.png', bot: true } });
    expect(msg.embeds[0]).toMatchObject({ title: 'main #42', color: 0x23a55a });
    await eventually(() => bobGw.of('MESSAGE_CREATE').some((m) => m.id === msg.id), 'MESSAGE_CREATE for members');
    const seen = bobGw.of('MESSAGE_CREATE').find((m) => m.id === msg.id);
    expect(seen.author).toMatchObject({ id: hook.id, username: 'Build Bot' });
    const history = await bob.api.getMessages(general, { limit: 3 });
    expect(history.find((m) => m.id === msg.id)?.author.username).toBe('Build Bot');
    expect(history.find((m) => m.content === 'no wait')?.author).toMatchObject({ id: hook.id, username: 'CI' });
    // Its own messages can be read, edited and deleted with the token.
    expect((await anon().rest.get<any>(`${path}/messages/${msg.id}`)).content).toBe('build passed');
    expect((await anon().rest.patch<any>(`${path}/messages/${msg.id}`, { content: 'build passed (edited)' })).content).toBe('build passed (edited)');
    await anon().rest.delete(`${path}/messages/${msg.id}`);
    expect((await restError(bob.api.getMessage(general, msg.id))).code).toBe(10008);
    const other = await bob.api.sendMessage(general, 'mine');
    expect((await restError(anon().rest.patch(`${path}/messages/${other.id}`, { content: 'x' }))).code).toBe(10008);
  });

  it('answers 50027 for a wrong token and 10015 for an unknown or deleted webhook', async () => {
    const hook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'Temp' });
    const wrong = await restError(anon().rest.post(`/webhooks/${hook.id}/${hook.token.slice(0, -2)}xx`, { content: 'x' }));
    expect([wrong.status, wrong.code]).toEqual([401, 50027]);
    expect((await anon().rest.patch<any>(`/webhooks/${hook.id}/${hook.token}`, { name: 'Renamed' })).name).toBe('Renamed');
    await anon().rest.delete(`/webhooks/${hook.id}/${hook.token}`);
    const gone = await restError(anon().rest.post(`/webhooks/${hook.id}/${hook.token}`, { content: 'x' }));
    expect([gone.status, gone.code]).toEqual([404, 10015]);
  });

  it('are edited and deleted by members with MANAGE_WEBHOOKS', async () => {
    const hook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'Managed' });
    expect((await restError(bob.api.rest.patch(`/webhooks/${hook.id}`, { name: 'Mine' }))).code).toBe(50013);
    const other = await alice.api.createChannel(guildId, { name: 'announcements' });
    const moved = await alice.api.rest.patch<any>(`/webhooks/${hook.id}`, { name: 'Moved', channel_id: other.id });
    expect(moved).toMatchObject({ name: 'Moved', channel_id: other.id });
    await alice.api.rest.delete(`/webhooks/${hook.id}`);
    expect((await restError(alice.api.rest.get(`/webhooks/${hook.id}`))).code).toBe(10015);
  });

  it("work with discord.js's WebhookClient, unmodified", async () => {
    const hook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'djs' });
    const client = new WebhookClient({ id: hook.id, token: hook.token }, { rest: { api: `${t.server.url}/api` } });
    try {
      const sent = await client.send({ content: 'from discord.js', username: 'Relay', embeds: [new EmbedBuilder().setTitle('Embedded').setColor(0xff0000)] });
      expect(sent.content).toBe('from discord.js');
      expect(sent.author.username).toBe('Relay');
      const edited = await client.editMessage(sent.id, { content: 'edited by discord.js' });
      expect(edited.content).toBe('edited by discord.js');
      expect((await bob.api.getMessage(general, sent.id)).embeds[0]).toMatchObject({ title: 'Embedded', color: 0xff0000 });
      await client.deleteMessage(sent.id);
    } finally {
      client.destroy();
    }
  });

  it('need MANAGE_WEBHOOKS as a role permission too', async () => {
    const role = await alice.api.createRole(guildId, { name: 'Integrations', permissions: PermissionFlags.MANAGE_WEBHOOKS.toString() });
    await alice.api.addMemberRole(guildId, bob.id, role.id);
    const hook = await bob.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'Bob Hook' });
    expect(hook.user.id).toBe(bob.id);
  });
});
