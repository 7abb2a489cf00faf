// A user's component click and modal submit through any node (issue 20), on three real server
// processes: the ephemeral message a button sits on and the modal a bot opened live only in the
// memory of the node that ran the bot's callback (A here), but alice's click or submit lands on B
// or C (a load balancer). That node asks the others who holds it and forwards her request there;
// the interaction is made on the holder (its token names it), so the bot (its gateway on C) answers
// through C and alice's request gets the bot's first answer. A node answering from its own memory
// only fails every check below (10008 for the message, 50035 for the modal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, RawGateway, rest, testCluster, until, type ClusterNodeProcess, type Frame, type Reply } from './clusterNodes.ts';

const EPHEMERAL = 1 << 6;
const BUTTON_ROW = [{ type: 1, components: [{ type: 2, style: 1, label: 'Press', custom_id: 'press' }] }];
const MODAL = {
  custom_id: 'feedback',
  title: 'Feedback',
  components: [{ type: 1, components: [{ type: 4, custom_id: 'text', style: 1, label: 'Your words', min_length: 5, max_length: 50 }] }],
};
const submission = (value: string) => ({ custom_id: 'feedback', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value }] }] });

/** The holder a token names (`interaction:<id>@<node>`). */
function holderOf(token: string): string {
  return Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString().split('@')[1] ?? '';
}

describe.each(['nats', 'redis'] as const)('a user\'s click and modal submit through any node, on %s', (bus) => {
  const cluster = testCluster(bus);
  const sockets: RawGateway[] = [];
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  let aliceToken: string, appId: string, botToken: string, commandId: string, guildId: string, channelId: string;
  let aliceGw: RawGateway, botGw: RawGateway;
  const report = (what: string, ms: number) => console.log(`[user interactions on ${bus}] ${what}: ${ms.toFixed(1)} ms`);

  /** The bot's next INTERACTION_CREATE (its gateway is on C) after `seen` of them. */
  function nextInteraction(seen: number): Promise<Frame> {
    return botGw.waitFor((f) => f.t === 'INTERACTION_CREATE' && botGw.dispatches('INTERACTION_CREATE').indexOf(f) >= seen);
  }

  /** alice's POST /interactions through `node`, and the INTERACTION_CREATE the bot gets for it. */
  async function invoke(node: ClusterNodeProcess, body: Record<string, unknown>): Promise<{ answer: Promise<Reply>; created: Frame; ms: number }> {
    const seen = botGw.dispatches('INTERACTION_CREATE').length;
    const start = performance.now();
    const answer = rest(node, 'POST', '/interactions', aliceToken, { application_id: appId, channel_id: channelId, guild_id: guildId, ...body });
    // A refused request never reaches the bot: fail with its answer, not a gateway timeout.
    const created = await Promise.race([nextInteraction(seen), answer.then((r) => Promise.reject(new Error(`POST /interactions on ${node.name}: ${r.status} ${JSON.stringify(r.body)}`)))]);
    return { answer, created, ms: performance.now() - start };
  }

  const command = (node: ClusterNodeProcess) => invoke(node, { type: 2, data: { id: commandId, name: 'open', type: 1 } });

  /** The bot's ephemeral reply with a button, made through `via` for a command alice invoked through `holder`: its id and the holder's name. */
  async function ephemeralButton(holder: ClusterNodeProcess, via: ClusterNodeProcess, content: string): Promise<{ messageId: string; holderName: string }> {
    const { answer, created } = await command(holder);
    const cb = await ok(via, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback?with_response=true`, null, { type: 4, data: { content, flags: EPHEMERAL, components: BUTTON_ROW } });
    expect((await answer).body.response).toEqual({ type: 4 });
    const id = String(cb.resource.message.id);
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === id && (f.d.flags & EPHEMERAL) !== 0);
    return { messageId: id, holderName: holderOf(String(created.d.token)) };
  }

  /** The feedback modal (or `modal`) opened by the bot through `via` for a command alice invoked through `holder`; the holder's name. */
  async function openModal(holder: ClusterNodeProcess, via: ClusterNodeProcess, modal: typeof MODAL = MODAL): Promise<string> {
    const { answer, created } = await command(holder);
    expect((await rest(via, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback`, null, { type: 9, data: modal })).status).toBe(204);
    expect((await answer).body.response).toMatchObject({ type: 9, data: { custom_id: 'feedback' } });
    return holderOf(String(created.d.token));
  }

  const click = (node: ClusterNodeProcess, messageId: string) => invoke(node, { type: 3, message_id: messageId, data: { component_type: 2, custom_id: 'press' } });
  const clickRefused = (node: ClusterNodeProcess, messageId: string) =>
    rest(node, 'POST', '/interactions', aliceToken, { type: 3, application_id: appId, channel_id: channelId, guild_id: guildId, message_id: messageId, data: { component_type: 2, custom_id: 'press' } });
  const submitRaw = (node: ClusterNodeProcess, value: string) =>
    rest(node, 'POST', '/interactions', aliceToken, { type: 5, application_id: appId, channel_id: channelId, guild_id: guildId, data: submission(value) });

  beforeAll(async () => {
    [a, b, c] = await cluster.startAll('A', 'B', 'C');
    aliceToken = (await cluster.register(a, 'alice')).token;
    guildId = (await ok(a, 'POST', '/guilds', aliceToken, { name: `user interactions on ${bus}` })).id;
    channelId = ((await ok(a, 'GET', `/guilds/${guildId}/channels`, aliceToken)) as { id: string; type: number }[]).find((ch) => ch.type === 0)!.id;
    appId = (await ok(a, 'POST', '/applications', aliceToken, { name: 'Buttons' })).id;
    botToken = (await ok(a, 'POST', `/applications/${appId}/bot`, aliceToken)).token;
    await ok(a, 'POST', `/oauth2/authorize?client_id=${appId}&scope=bot%20applications.commands&permissions=3072`, aliceToken, { authorize: true, guild_id: guildId, permissions: '3072' });
    commandId = (await ok(a, 'POST', `/applications/${appId}/guilds/${guildId}/commands`, `Bot ${botToken}`, { name: 'open', description: 'Buttons and forms' })).id;
    aliceGw = await RawGateway.identify(a.url, aliceToken);
    botGw = await RawGateway.open(c.url);
    botGw.ws.send(JSON.stringify({ op: 2, d: { token: botToken, intents: 513, properties: { os: 'linux', browser: 'user-interactions-test', device: 'user-interactions-test' } } }));
    await botGw.waitFor((f) => f.t === 'READY');
    sockets.push(aliceGw, botGw);
  }, 180_000);

  afterAll(() => cluster.teardown(sockets), 60_000);

  it('a click through B on the ephemeral message made through A reaches the bot on C, which updates it through C; alice\'s request on B gets the answer', async () => {
    const { messageId, holderName: nodeA } = await ephemeralButton(a, a, `only alice sees this (${bus})`);

    const { answer, created, ms } = await click(b, messageId);
    report('click through B to INTERACTION_CREATE on C', ms);
    expect(created.d).toMatchObject({ type: 3, data: { custom_id: 'press', component_type: 2 }, channel_id: channelId });
    expect(created.d.message).toMatchObject({ id: messageId, flags: EPHEMERAL });
    // Made on the holder: its token names A, so the bot's answer through C goes there.
    expect(holderOf(String(created.d.token))).toBe(nodeA);
    const start = performance.now();
    expect((await rest(c, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback`, null, { type: 7, data: { content: 'pressed', components: BUTTON_ROW } })).status).toBe(204);
    const invoked = await answer;
    report('callback through C to alice\'s answer on B', performance.now() - start);
    expect(invoked.status).toBe(200);
    expect(invoked.body).toMatchObject({ id: created.d.id, response: { type: 7 } });
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === messageId && f.d.content === 'pressed');
    // The ephemeral message still lives on A only: a second click through C works the same way.
    const again = await click(c, messageId);
    expect(again.created.d.message).toMatchObject({ id: messageId, content: 'pressed' });
    expect((await rest(b, 'POST', `/interactions/${again.created.d.id}/${again.created.d.token}/callback`, null, { type: 7, data: { content: 'done', components: [] } })).status).toBe(204);
    expect((await again.answer).body.response).toEqual({ type: 7 });
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === messageId && f.d.content === 'done');
    // The button is gone from A's copy: A's component check refuses the next click, through B as on A.
    const stale = await clickRefused(b, messageId);
    expect([stale.status, stale.body.code]).toEqual([400, 50035]);
    expect(stale.body.errors['data.custom_id']._errors[0].code).toBe('COMPONENT_INVALID');
  }, 30_000);

  it('a modal opened by the bot through A is submitted through C: a bad length is refused by A\'s check, the good one reaches the bot, a second submit is 50035', async () => {
    const nodeA = await openModal(a, a);
    // Checked against the modal on A: the same field error as in one process.
    const short = await submitRaw(c, 'abc');
    expect([short.status, short.body.code]).toEqual([400, 50035]);
    expect(short.body.errors.data.components['0']._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');

    const { answer, created, ms } = await invoke(c, { type: 5, data: submission('well made') });
    report('modal submit through C to INTERACTION_CREATE on C', ms);
    expect(created.d).toMatchObject({ type: 5, data: { custom_id: 'feedback' } });
    expect(created.d.data.components[0].components[0]).toMatchObject({ custom_id: 'text', value: 'well made' });
    expect(holderOf(String(created.d.token))).toBe(nodeA);
    expect((await rest(c, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback`, null, { type: 4, data: { content: `thanks (${bus})` } })).status).toBe(204);
    expect((await answer).body).toMatchObject({ id: created.d.id, response: { type: 4 } });
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.content === `thanks (${bus})` && f.d.interaction_metadata?.id === created.d.id);
    // Taken on A: nobody holds it now, through any node.
    for (const node of [b, a]) {
      const twice = await submitRaw(node, 'well made');
      expect([twice.status, twice.body.code]).toEqual([400, 50035]);
      expect(twice.body.errors['data.custom_id']._errors[0].code).toBe('MODAL_INVALID');
    }
  }, 30_000);

  it('the same modal opened again through B replaces the one on A: a submit through A is checked against B\'s and made on B', async () => {
    await openModal(a, a);
    const shorter = { ...MODAL, components: [{ type: 1, components: [{ ...MODAL.components[0]!.components[0]!, max_length: 6 }] }] };
    const nodeB = await openModal(b, b, shorter);
    // Fits A's old modal (5-50), not B's (5-6): refused by B's check.
    const long = await submitRaw(a, 'abcdefgh');
    expect([long.status, long.body.code]).toEqual([400, 50035]);
    expect(long.body.errors.data.components['0']._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
    const { answer, created } = await invoke(a, { type: 5, data: submission('abcdef') });
    expect(holderOf(String(created.d.token))).toBe(nodeB);
    expect((await rest(a, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback`, null, { type: 6 })).status).toBe(204);
    expect((await answer).body.response).toEqual({ type: 6 });
    // A's was dropped, B's taken: none is left anywhere.
    expect((await submitRaw(a, 'abcdefgh')).body.code).toBe(50035);
  }, 30_000);

  it('what nobody holds is answered as in one process: an unknown message 10008, a modal never opened 50035; a stored message\'s click stays on the node that got it', async () => {
    const start = performance.now();
    const unknown = await clickRefused(b, '1234567890123456789');
    report('unknown message answered through B', performance.now() - start);
    expect([unknown.status, unknown.body.code]).toEqual([404, 10008]);
    const never = await submitRaw(c, 'never opened');
    expect([never.status, never.body.code]).toEqual([400, 50035]);

    // A stored message with a button (the bot posts it through A): clicked through B, made on B.
    const stored = await ok(a, 'POST', `/channels/${channelId}/messages`, `Bot ${botToken}`, { content: 'stored buttons', components: BUTTON_ROW });
    await until('the stored message on B', async () => (await rest(b, 'GET', `/channels/${channelId}/messages/${stored.id}`, aliceToken)).status === 200);
    const { answer, created } = await click(b, stored.id);
    expect(created.d.message).toMatchObject({ id: stored.id, content: 'stored buttons' });
    expect((await rest(c, 'POST', `/interactions/${created.d.id}/${created.d.token}/callback`, null, { type: 6 })).status).toBe(204);
    expect((await answer).body.response).toEqual({ type: 6 });
    // Made on B itself (B's name, read from a command alice invokes through B): nothing was forwarded.
    const { holderName: nodeB } = await ephemeralButton(b, b, 'name probe');
    expect(holderOf(String(created.d.token))).toBe(nodeB);
  }, 30_000);

  it('SIGKILL of the holder: its ephemeral message and modal are held by no one (10008 / 50035), at once once it is down', async () => {
    const { messageId } = await ephemeralButton(b, c, 'on B, about to die');
    await openModal(b, c);
    await b.kill();
    let start = performance.now();
    const gone = await clickRefused(a, messageId);
    const firstMs = performance.now() - start;
    report('click on the killed holder\'s message answered', firstMs);
    expect([gone.status, gone.body.code]).toEqual([404, 10008]);
    expect(firstMs).toBeLessThan(7_000);
    const lost = await submitRaw(c, 'too late now');
    expect([lost.status, lost.body.code]).toEqual([400, 50035]);
    // Once A and C have seen B go down (15 s of silence), nobody waits for it.
    await new Promise((r) => setTimeout(r, 16_000));
    start = performance.now();
    expect((await clickRefused(a, messageId)).body.code).toBe(10008);
    expect((await submitRaw(c, 'too late now')).body.code).toBe(50035);
    const afterMs = performance.now() - start;
    report('both answered after the holder was down', afterMs);
    expect(afterMs).toBeLessThan(1_000);
  }, 60_000);
});
