// The services' own caches on three real server processes (issue 20): a write through one node is
// followed by the others' memory at once (CacheInvalidation: the writer publishes { what, id }, the
// others re-read the record from the shared PostgreSQL schema). Each check below fails on a node
// that keeps what it loaded at start: the webhook, rule, command, application, emoji, entitlement
// or revoked token would be unknown (or still known) there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openTestDatabase } from '../../src/store/postgres/postgresStoreHarness.ts';
import { PostgresWebhookStore } from '../../src/store/postgres/PostgresWebhookStore.ts';
import { png } from '../expressionFixtures.ts';
import { ok, RawGateway, rest, testCluster, until, type ClusterNodeProcess, type Reply, type User } from './clusterNodes.ts';

/** IDENTIFY with `token` on a node: the close code, or 0 when READY came instead. */
async function identifyCloseCode(node: ClusterNodeProcess, token: string): Promise<number> {
  const ws = new WebSocket(`${node.url.replace('http', 'ws')}/?v=10&encoding=json`);
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no READY and no close within 10 s')), 10_000);
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString('utf8')) as { op: number; t: string | null };
      if (f.op === 10) ws.send(JSON.stringify({ op: 2, d: { token, intents: 513, properties: { os: 'linux', browser: 'caches-test', device: 'caches-test' } } }));
      if (f.t === 'READY') {
        clearTimeout(timer);
        ws.close(1000);
        resolve(0);
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', reject);
  });
}

describe.each(['nats', 'redis'] as const)('caches of three nodes on %s follow writes made on the others', (bus) => {
  const cluster = testCluster(bus);
  const sockets: RawGateway[] = [];
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  let alice: User, bob: User;
  let guildId: string, channelId: string;
  /** How long after the writer's answer the other node followed (printed: a figure, never asserted beyond the 1 s bound). */
  const report = (what: string, ms: number) => console.log(`[caches on ${bus}] ${what}: ${ms.toFixed(1)} ms after the write on A answered`);

  beforeAll(async () => {
    [a, b, c] = await cluster.startAll('A', 'B', 'C');
    // alice registers first: the instance administrator (no INSTANCE_ADMINS), she grants premium below.
    alice = await cluster.register(a, 'alice');
    bob = await cluster.register(b, 'bob');
    guildId = (await ok(a, 'POST', '/guilds', alice.token, { name: `caches on ${bus}` })).id;
    channelId = ((await ok(a, 'GET', `/guilds/${guildId}/channels`, alice.token)) as { id: string; type: number }[]).find((ch) => ch.type === 0)!.id;
    const invite = await ok(a, 'POST', `/channels/${channelId}/invites`, alice.token, {});
    await ok(b, 'POST', `/invites/${invite.code}`, bob.token, {});
    // C knows bob's membership (stateChange) before the checks below send through it.
    await until('membership on C', async () => (await rest(c, 'GET', `/guilds/${guildId}/members/${bob.id}`, bob.token)).status === 200, 5_000);
  }, 180_000);

  afterAll(() => cluster.teardown(sockets), 60_000);

  it('a webhook created on A executes on B; deleted on A, B refuses it', async () => {
    const hook = await ok(a, 'POST', `/channels/${channelId}/webhooks`, alice.token, { name: 'Deploys' });
    report('webhook executes on B', await until('webhook known on B', async () => (await rest(b, 'GET', `/webhooks/${hook.id}/${hook.token}`, null)).status === 200, 1_000));
    const sent = await ok(b, 'POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, null, { content: 'built on B' });
    expect(sent).toMatchObject({ content: 'built on B', webhook_id: hook.id, channel_id: channelId });
    expect(sent.author.username).toBe('Deploys');
    await ok(a, 'PATCH', `/webhooks/${hook.id}`, alice.token, { name: 'Releases' });
    await until('rename on C', async () => (await rest(c, 'GET', `/webhooks/${hook.id}/${hook.token}`, null)).body?.name === 'Releases', 5_000);
    await ok(a, 'DELETE', `/webhooks/${hook.id}`, alice.token);
    await until('delete on B', async () => (await rest(b, 'POST', `/webhooks/${hook.id}/${hook.token}`, null, { content: 'gone' })).status === 404, 5_000);
    expect((await rest(c, 'POST', `/webhooks/${hook.id}/${hook.token}`, null, { content: 'gone' })).body.code).toBe(10015);
  }, 30_000);

  it('an auto moderation rule created on A blocks a message sent through B; disabled on C, B lets it through', async () => {
    const word = `forbidden${bus}`;
    expect((await rest(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: `before the rule: ${word}` })).status).toBe(200);
    const rule = await ok(a, 'POST', `/guilds/${guildId}/auto-moderation/rules`, alice.token, { name: 'words', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter: [word] }, actions: [{ type: 1 }], enabled: true });
    let blocked: Reply | null = null;
    const lag = await until('rule enforced on B', async () => (blocked = await rest(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: `this says ${word}` })).status !== 200, 1_000);
    report('rule enforced on B', lag);
    expect([blocked!.status, blocked!.body.code]).toEqual([400, 200000]);
    await ok(c, 'PATCH', `/guilds/${guildId}/auto-moderation/rules/${rule.id}`, alice.token, { enabled: false });
    await until('rule off on B', async () => (await rest(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: `after: ${word}` })).status === 200, 5_000);
  }, 30_000);

  it('a slash command registered on A (its application and bot made on A) is listed and invoked through C', async () => {
    const app = await ok(a, 'POST', '/applications', alice.token, { name: `Pinger ${bus}` });
    const bot = await ok(a, 'POST', `/applications/${app.id}/bot`, alice.token);
    await ok(a, 'POST', `/oauth2/authorize?client_id=${app.id}&scope=bot%20applications.commands&permissions=3072`, alice.token, { authorize: true, guild_id: guildId, permissions: '3072' });
    const command = await ok(a, 'POST', `/applications/${app.id}/guilds/${guildId}/commands`, `Bot ${bot.token}`, { name: 'ping', description: 'Pong back' });
    const commandIndex = () => ok(c, 'GET', `/guilds/${guildId}/application-command-index`, bob.token);
    report('command listed on C', await until('command listed on C', async () => (await commandIndex()).application_commands.length > 0, 1_000));
    const index = await commandIndex();
    expect(index.applications.map((x: { id: string }) => x.id)).toEqual([app.id]);
    expect(index.application_commands.map((x: { id: string; name: string }) => [x.id, x.name])).toEqual([[command.id, 'ping']]);

    // The bot's session is on B; the interaction is made and answered on C (the node holding it).
    const botGw = await RawGateway.open(b.url);
    sockets.push(botGw);
    botGw.ws.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: 513, properties: { os: 'linux', browser: 'caches-test', device: 'caches-test' } } }));
    await botGw.waitFor((f) => f.t === 'READY');
    const pending = ok(c, 'POST', '/interactions', bob.token, { type: 2, application_id: app.id, channel_id: channelId, guild_id: guildId, data: { id: command.id, name: 'ping', type: 1 } });
    const created = await botGw.waitFor((f) => f.t === 'INTERACTION_CREATE');
    expect(created.d.data).toMatchObject({ id: command.id, name: 'ping' });
    await ok(c, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback`, null, { type: 4, data: { content: 'pong' } });
    expect((await pending).response).toMatchObject({ type: 4 });

    // Overwritten on A with nothing: C lists no command any more.
    await ok(a, 'PUT', `/applications/${app.id}/guilds/${guildId}/commands`, `Bot ${bot.token}`, []);
    await until('commands gone on C', async () => (await ok(c, 'GET', `/guilds/${guildId}/application-command-index`, bob.token)).application_commands.length === 0, 5_000);
  }, 60_000);

  it('an emoji uploaded on A is usable in a message sent through B', async () => {
    const emoji = await ok(a, 'POST', `/guilds/${guildId}/emojis`, alice.token, { name: 'wave', image: `data:image/png;base64,${png().toString('base64')}` });
    // A node that does not know the emoji writes it as :wave: (expressionUse).
    const lag = await until('emoji usable on B', async () => (await ok(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: `hi <:wave:${emoji.id}>` })).content === `hi <:wave:${emoji.id}>`, 1_000);
    report('emoji usable on B', lag);
    expect((await ok(c, 'GET', `/guilds/${guildId}/emojis`, bob.token)).map((e: { id: string }) => e.id)).toEqual([emoji.id]);
  }, 30_000);

  it('premium granted on A lets a 4,000-character message through B; revoked on A, B refuses it again', async () => {
    const long = 'x'.repeat(4000);
    expect((await rest(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: long })).status).toBe(400);
    await ok(a, 'PUT', `/admin/users/${bob.id}/premium`, alice.token, { premium_type: 2 });
    let sent: Reply | null = null;
    report('4,000 characters through B', await until('premium on B', async () => (sent = await rest(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: long })).status === 200, 1_000));
    sent = sent!;
    expect(sent.body.content).toHaveLength(4000);
    expect((await ok(c, 'GET', '/users/@me/premium', bob.token)).premium_type).toBe(2);
    // Nitro's boost slots, made on A, are known on C.
    expect(await ok(c, 'GET', '/users/@me/guilds/premium/subscription-slots', bob.token)).toHaveLength(2);
    await ok(a, 'DELETE', `/admin/users/${bob.id}/premium`, alice.token);
    await until('premium gone on B', async () => (await rest(b, 'POST', `/channels/${channelId}/messages`, bob.token, { content: long })).status === 400, 5_000);
    expect(await ok(c, 'GET', '/users/@me/guilds/premium/subscription-slots', bob.token)).toHaveLength(0);
  }, 30_000);

  it('a bot token reset on A: B refuses the old token (REST 401, gateway 4004) within 1 s; a logout on A likewise', async () => {
    const app = await ok(a, 'POST', '/applications', alice.token, { name: `Resetter ${bus}` });
    const bot = await ok(a, 'POST', `/applications/${app.id}/bot`, alice.token);
    const old = `Bot ${bot.token}`;
    // B and C have the old token in their caches.
    expect((await rest(b, 'GET', '/users/@me', old)).status).toBe(200);
    expect((await rest(c, 'GET', '/users/@me', old)).status).toBe(200);
    expect(await identifyCloseCode(b, bot.token)).toBe(0);

    const reset = await ok(a, 'POST', `/applications/${app.id}/bot/reset`, alice.token);
    const refusedAfterMs = await until('old token refused on B', async () => (await rest(b, 'GET', '/users/@me', old)).status === 401, 1_000);
    expect(await identifyCloseCode(b, bot.token)).toBe(4004);
    expect((await rest(c, 'GET', '/users/@me', old)).status).toBe(401);
    expect((await rest(b, 'GET', '/users/@me', `Bot ${reset.token}`)).status).toBe(200);
    report('old bot token refused on B', refusedAfterMs);

    // A user's logout on A: the token cached on C stops working there.
    const login = await ok(c, 'POST', '/auth/login', null, { login: `bob_${bus}_${process.pid}`, password: 'correct horse battery' });
    expect((await rest(c, 'GET', '/users/@me', login.token)).status).toBe(200);
    await ok(a, 'POST', '/auth/logout', login.token, {});
    await until('logged-out token refused on C', async () => (await rest(c, 'GET', '/users/@me', login.token)).status === 401, 1_000);
    expect((await rest(c, 'GET', '/users/@me', bob.token)).status).toBe(200);
  }, 30_000);

  it('a node SIGKILLed between a commit and its publish: when it goes down the others reload every kind', async () => {
    // A webhook row written straight into the shared schema stands for C's last write, whose
    // invalidation never left C.
    const db = await openTestDatabase(cluster.schema);
    const id = `${Date.now()}${Math.floor(Math.random() * 1e5)}`;
    const token = `lost${id}`;
    try {
      await new PostgresWebhookStore(db).upsertWebhook({ id, type: 1, guild_id: guildId, channel_id: channelId, creator_id: alice.id, name: 'Lost', avatar: null, token, application_id: null });
    } finally {
      await db.close();
    }
    expect((await rest(b, 'GET', `/webhooks/${id}/${token}`, null)).status).toBe(404);
    await c.kill();
    const ms = await until('reloaded on B after C went down', async () => (await rest(b, 'GET', `/webhooks/${id}/${token}`, null)).status === 200, 25_000);
    console.log(`[caches on ${bus}] a write whose invalidation was lost: known on B ${(ms / 1000).toFixed(1)} s after C was killed`);
    expect((await rest(a, 'GET', `/webhooks/${id}/${token}`, null)).body.name).toBe('Lost');
  }, 40_000);
});
