// Interactions on three real server processes (issue 20): a user's slash command made through A is
// answered by the bot's REST calls to B and C (behind a load balancer, any node). The node that
// does not hold the interaction forwards the call over the bus to A and answers with A's result
// (InteractionForwarder); every check below fails on a node that answers from its own memory only
// (10062 / 50027 for a token it never saw).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, RawGateway, rest, testCluster, type ClusterNodeProcess, type Reply } from './clusterNodes.ts';

const LOADING = 1 << 7;

/** The holder a token names (`interaction:<id>@<node>`), read the way a curious bot could. */
function holderOf(token: string): string {
  return Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString().split('@')[1] ?? '';
}

describe.each(['nats', 'redis'] as const)('interactions made on one node, answered through the others, on %s', (bus) => {
  const cluster = testCluster(bus);
  const sockets: RawGateway[] = [];
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  let aliceToken: string;
  let appId: string, botToken: string, commandId: string;
  let guildId: string, channelId: string;
  let aliceGw: RawGateway, botGw: RawGateway;
  const report = (what: string, ms: number) => console.log(`[interactions on ${bus}] ${what}: ${ms.toFixed(1)} ms`);

  /** alice's slash command through `node`: the pending POST /interactions and the bot's INTERACTION_CREATE (on B). */
  async function invoke(node: ClusterNodeProcess): Promise<{ answer: Promise<Reply>; id: string; token: string }> {
    const seen = botGw.dispatches('INTERACTION_CREATE').length;
    const answer = rest(node, 'POST', '/interactions', aliceToken, { type: 2, application_id: appId, channel_id: channelId, guild_id: guildId, data: { id: commandId, name: 'ping', type: 1 } });
    const created = await botGw.waitFor((f) => f.t === 'INTERACTION_CREATE' && botGw.dispatches('INTERACTION_CREATE').indexOf(f) >= seen);
    return { answer, id: String(created.d.id), token: String(created.d.token) };
  }

  beforeAll(async () => {
    [a, b, c] = await cluster.startAll('A', 'B', 'C');
    aliceToken = (await cluster.register(a, 'alice')).token;
    guildId = (await ok(a, 'POST', '/guilds', aliceToken, { name: `interactions on ${bus}` })).id;
    channelId = ((await ok(a, 'GET', `/guilds/${guildId}/channels`, aliceToken)) as { id: string; type: number }[]).find((ch) => ch.type === 0)!.id;
    const app = await ok(a, 'POST', '/applications', aliceToken, { name: 'Pinger' });
    appId = app.id;
    botToken = (await ok(a, 'POST', `/applications/${appId}/bot`, aliceToken)).token;
    await ok(a, 'POST', `/oauth2/authorize?client_id=${appId}&scope=bot%20applications.commands&permissions=3072`, aliceToken, { authorize: true, guild_id: guildId, permissions: '3072' });
    commandId = (await ok(a, 'POST', `/applications/${appId}/guilds/${guildId}/commands`, `Bot ${botToken}`, { name: 'ping', description: 'Pong back' })).id;
    aliceGw = await RawGateway.identify(a.url, aliceToken);
    // The bot's gateway session is on B: INTERACTION_CREATE reaches it over the bus.
    botGw = await RawGateway.open(b.url);
    botGw.ws.send(JSON.stringify({ op: 2, d: { token: botToken, intents: 513, properties: { os: 'linux', browser: 'interactions-test', device: 'interactions-test' } } }));
    await botGw.waitFor((f) => f.t === 'READY');
    sockets.push(aliceGw, botGw);
  }, 180_000);

  afterAll(() => cluster.teardown(sockets), 60_000);

  it('a command invoked on A is answered by the callback sent to B; alice on A sees the response; a second callback through C is 40060', async () => {
    const { answer, id, token } = await invoke(a);
    const self = holderOf(token);
    expect(self).toMatch(/^[0-9a-f]{16}$/);
    const start = performance.now();
    const cb = await rest(b, 'POST', `/interactions/${id}/${token}/callback?with_response=true`, null, { type: 4, data: { content: `pong through B on ${bus}` } });
    report('callback through B answered', performance.now() - start);
    expect(cb.status).toBe(200);
    expect(cb.body.interaction).toMatchObject({ id, type: 2, response_message_loading: false });
    expect(cb.body.resource.message).toMatchObject({ content: `pong through B on ${bus}`, channel_id: channelId });
    // The invoker's request on A was waiting for the first answer: it learns it.
    const invoked = await answer;
    expect(invoked.status).toBe(200);
    expect(invoked.body).toMatchObject({ id, response: { type: 4 } });
    const shown = await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.content === `pong through B on ${bus}`);
    expect(shown.d.interaction_metadata).toMatchObject({ id, name: 'ping' });
    expect(shown.d.id).toBe(cb.body.resource.message.id);

    const again = await rest(c, 'POST', `/interactions/${id}/${token}/callback`, null, { type: 4, data: { content: 'twice' } });
    expect([again.status, again.body.code]).toEqual([400, 40060]);
    // A bad body is refused by the node that received it, as in one process.
    const bad = await rest(c, 'POST', `/interactions/${id}/${token}/callback`, null, { type: 4 });
    expect([bad.status, bad.body.code]).toEqual([400, 50035]);
  }, 30_000);

  it('deferred through C, then the follow-ups, @original and deletes through C and B reach the interaction held on A', async () => {
    const { answer, id, token } = await invoke(a);
    expect((await rest(c, 'POST', `/interactions/${id}/${token}/callback`, null, { type: 5 })).status).toBe(204);
    expect((await answer).body.response).toEqual({ type: 5 });
    const thinking = await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.interaction_metadata?.id === id);
    expect(thinking.d.flags & LOADING).toBe(LOADING);

    // The first follow-up after a deferred answer fills in the placeholder (through C).
    const filled = await ok(c, 'POST', `/webhooks/${appId}/${token}`, null, { content: 'done thinking' });
    expect(filled).toMatchObject({ id: thinking.d.id, content: 'done thinking' });
    const updated = await aliceGw.waitFor((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === thinking.d.id && f.d.content === 'done thinking');
    expect(updated.d.flags & LOADING).toBe(0);
    // A second one is a new message (through B).
    const followUp = await ok(b, 'POST', `/webhooks/${appId}/${token}`, null, { content: 'and one more' });
    expect(followUp.id).not.toBe(thinking.d.id);
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === followUp.id);

    expect((await ok(b, 'GET', `/webhooks/${appId}/${token}/messages/@original`, null)).content).toBe('done thinking');
    expect((await ok(c, 'PATCH', `/webhooks/${appId}/${token}/messages/@original`, null, { content: 'edited via C' })).content).toBe('edited via C');
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === thinking.d.id && f.d.content === 'edited via C');
    expect((await rest(b, 'DELETE', `/webhooks/${appId}/${token}/messages/${followUp.id}`, null)).status).toBe(204);
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_DELETE' && f.d.id === followUp.id);
    // A message the token never made is unknown on its holder, whichever node asks.
    const foreign = await rest(c, 'GET', `/webhooks/${appId}/${token}/messages/${channelId}`, null);
    expect([foreign.status, foreign.body.code]).toEqual([404, 10008]);
    // The token is no webhook (10015), asked through B as on A.
    const probe = await rest(b, 'GET', `/webhooks/${appId}/${token}`, null);
    expect([probe.status, probe.body.code]).toEqual([404, 10015]);
  }, 30_000);

  it('a wrong token naming a live holder is refused by it; a token naming a node that is gone is 10062 / 50027 at once', async () => {
    const { answer, id, token } = await invoke(a);
    const wrong = `${token.slice(0, token.indexOf('.'))}.${'x'.repeat(64)}`;
    const refused = await rest(b, 'POST', `/interactions/${id}/${wrong}/callback`, null, { type: 4, data: { content: 'no' } });
    expect([refused.status, refused.body.code]).toEqual([404, 10062]);
    expect((await rest(c, 'POST', `/webhooks/${appId}/${wrong}`, null, { content: 'no' })).body.code).toBe(50027);
    // The right token still works after the wrong ones (nothing was acknowledged).
    expect((await rest(c, 'POST', `/interactions/${id}/${token}/callback`, null, { type: 4, data: { content: 'late but right' } })).status).toBe(204);
    expect((await answer).body.response).toEqual({ type: 4 });

    const ghost = `${Buffer.from(`interaction:${id}@0123456789abcdef`).toString('base64url')}.${'y'.repeat(64)}`;
    const start = performance.now();
    const gone = await rest(b, 'POST', `/interactions/${id}/${ghost}/callback`, null, { type: 4, data: { content: 'no' } });
    expect([gone.status, gone.body.code]).toEqual([404, 10062]);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect((await rest(b, 'PATCH', `/webhooks/${appId}/${ghost}/messages/@original`, null, { content: 'no' })).body.code).toBe(50027);
  }, 30_000);

  it('SIGKILL of the holder: a callback through B is 10062 (timeout while C still looks alive, at once after it is down)', async () => {
    const { answer, id, token } = await invoke(c);
    // alice's request on C dies with C.
    answer.catch(() => undefined);
    await c.kill();
    const start = performance.now();
    const first = await rest(b, 'POST', `/interactions/${id}/${token}/callback`, null, { type: 4, data: { content: 'too late' } });
    const firstMs = performance.now() - start;
    report('callback for the killed holder answered', firstMs);
    expect([first.status, first.body.code]).toEqual([404, 10062]);
    expect(firstMs).toBeLessThan(7_000);
    // Once B has seen C go down (15 s of silence) the answer needs no wait.
    await new Promise((r) => setTimeout(r, 16_000));
    const t1 = performance.now();
    const second = await rest(b, 'POST', `/webhooks/${appId}/${token}`, null, { content: 'too late' });
    report('follow-up for the dead holder answered', performance.now() - t1);
    expect(second.body.code).toBe(50027);
    expect(performance.now() - t1).toBeLessThan(1_000);
  }, 60_000);
});
