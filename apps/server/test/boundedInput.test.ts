// Untrusted structures are bounded at the boundary (issue 14 item 2): embeds, components,
// allowed_mentions, message_reference and activities get Discord's schemas and limits; nothing a
// client adds beyond them is stored or reaches another member.
import { GatewayCloseCode, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeBot, botClient, createBotApplication, restError } from './bots/botHarness.ts';
import { connectGateway, eventually, guildWithMember, rawSocket, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let guildId: string;
let general: string;
let bot: ReturnType<typeof botClient>;
let aliceGw: Recorder;

beforeAll(async () => {
  t = await startTestServer();
  alice = await registerUser(t);
  bob = await registerUser(t);
  const g = await guildWithMember(alice, bob);
  guildId = g.guild.id;
  general = g.general;
  const app = await createBotApplication(alice, 'Bounded Bot');
  // VIEW_CHANNEL, SEND_MESSAGES, MANAGE_WEBHOOKS.
  await authorizeBot(alice, app, guildId, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.MANAGE_WEBHOOKS);
  bot = botClient(t, app.token);
  aliceGw = await connectGateway(t, alice.token, 'json');
});
afterAll(async () => {
  aliceGw.close();
  await t.close();
});

const history = (user: TestUser = alice) => user.api.rest.get<any[]>(`/channels/${general}/messages?limit=100`);
const row = (...components: unknown[]) => ({ type: 1, components });
const button = (custom_id: string) => ({ type: 2, style: 1, label: custom_id, custom_id });

/** Action rows nested `depth` deep: {type: 1, components: [{type: 1, components: [...]}]}. */
function nestedRows(depth: number): unknown {
  let node: unknown = button('leaf');
  for (let i = 0; i < depth; i++) node = row(node);
  return node;
}

describe('embeds', () => {
  it('refuses ten embeds of 4,096-character descriptions with 50035 (6000 in total) and stores nothing', async () => {
    const embeds = Array.from({ length: 10 }, (_, i) => ({ title: `part ${i}`, description: 'd'.repeat(4096) }));
    const err = await restError(alice.api.rest.post(`/channels/${general}/messages`, { content: 'too big', embeds }));
    expect(err.status).toBe(400);
    expect(err.code).toBe(50035);
    expect(err.errors).toEqual({ embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Embed size exceeds maximum size of 6000' }] } });
    expect((await history()).some((m) => m.content === 'too big')).toBe(false);
  });

  it('refuses the same embeds from a bot, a webhook and a message edit', async () => {
    const embeds = Array.from({ length: 2 }, () => ({ description: 'd'.repeat(3001) }));
    expect((await restError(bot.rest.post(`/channels/${general}/messages`, { embeds }))).code).toBe(50035);
    const hook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'Embeds' });
    expect((await restError(t.api().rest.post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { embeds }))).code).toBe(50035);
    const own = await alice.api.rest.post<any>(`/channels/${general}/messages`, { content: 'to edit' });
    expect((await restError(alice.api.rest.patch(`/channels/${general}/messages/${own.id}`, { embeds }))).code).toBe(50035);
  });

  it('accepts embeds of exactly 6000 characters and stores only the fields Discord knows', async () => {
    const embeds = [
      { title: 't'.repeat(256), description: 'd'.repeat(4096), secret_tracking_id: 'x', footer: { text: 'f'.repeat(1000), proxy_icon_url: 'nope' } },
      { fields: [{ name: 'n'.repeat(100), value: 'v'.repeat(548), extra: true }] },
    ];
    const sent = await bot.rest.post<any>(`/channels/${general}/messages`, { embeds });
    expect(sent.embeds).toEqual([
      { title: 't'.repeat(256), description: 'd'.repeat(4096), footer: { text: 'f'.repeat(1000) } },
      { fields: [{ name: 'n'.repeat(100), value: 'v'.repeat(548) }] },
    ]);
    const stored = (await history()).find((m) => m.id === sent.id);
    expect(stored.embeds).toEqual(sent.embeds);
  });

  it('refuses an embed url that is not http(s)', async () => {
    const err = await restError(bot.rest.post(`/channels/${general}/messages`, { embeds: [{ title: 'x', url: 'javascript:alert(1)' }] }));
    expect(err.code).toBe(50035);
  });
});

describe('components', () => {
  it('refuses components nested 150 deep with 400, and history still answers afterwards', async () => {
    for (const sender of [bot, alice.api]) {
      const err = await restError(sender.rest.post(`/channels/${general}/messages`, { content: 'deep', components: [nestedRows(150)] }));
      expect(err.status).toBe(400);
      expect(err.code).toBe(50035);
    }
    const list = await history();
    expect(list.some((m) => m.content === 'deep')).toBe(false);
  });

  it("keeps a bot's action rows and refuses a select beside a button or a sixth button", async () => {
    const select = { type: 3, custom_id: 'pick', options: [{ label: 'A', value: 'a' }] };
    const sent = await bot.rest.post<any>(`/channels/${general}/messages`, { content: 'menu', components: [row(button('a'), button('b')), row(select)] });
    expect(sent.components).toEqual([row(button('a'), button('b')), row(select)]);
    expect((await restError(bot.rest.post(`/channels/${general}/messages`, { content: 'x', components: [row(button('a'), select)] }))).code).toBe(50035);
    const six = row(...['1', '2', '3', '4', '5', '6'].map(button));
    expect((await restError(bot.rest.post(`/channels/${general}/messages`, { content: 'x', components: [six] }))).code).toBe(50035);
    expect((await restError(bot.rest.post(`/channels/${general}/messages`, { content: 'x', components: [row(button('same'), button('same'))] }))).code).toBe(50035);
  });

  it('drops the components a user account sends, as Discord does, and keeps the rest of the message', async () => {
    const sent = await alice.api.rest.post<any>(`/channels/${general}/messages`, { content: 'fake buttons', components: [row(button('free-nitro'))] });
    expect(sent.components).toEqual([]);
    expect((await history()).find((m) => m.id === sent.id).components).toEqual([]);
    // With nothing else in it, the message is empty.
    expect((await restError(alice.api.rest.post(`/channels/${general}/messages`, { components: [row(button('only'))] }))).code).toBe(50006);
    const edited = await alice.api.rest.patch<any>(`/channels/${general}/messages/${sent.id}`, { components: [row(button('later'))] });
    expect(edited.components).toEqual([]);
  });

  it("drops components from a user's webhook, not from a bot's", async () => {
    const userHook = await alice.api.rest.post<any>(`/channels/${general}/webhooks`, { name: 'User Hook' });
    const fromUserHook = await t.api().rest.post<any>(`/webhooks/${userHook.id}/${userHook.token}?wait=true`, { content: 'hook', components: [row(button('x'))] });
    expect(fromUserHook.components).toEqual([]);
    const botHook = await bot.rest.post<any>(`/channels/${general}/webhooks`, { name: 'Bot Hook' });
    const fromBotHook = await t.api().rest.post<any>(`/webhooks/${botHook.id}/${botHook.token}?wait=true`, { content: 'hook', components: [row(button('x'))] });
    expect(fromBotHook.components).toEqual([row(button('x'))]);
  });
});

describe('allowed_mentions and message_reference', () => {
  it('answers 50035 for parse ["users"] together with a users list', async () => {
    const err = await restError(alice.api.rest.post(`/channels/${general}/messages`, { content: `<@${bob.id}>`, allowed_mentions: { parse: ['users'], users: [bob.id] } }));
    expect(err.code).toBe(50035);
    expect(err.errors).toEqual({ allowed_mentions: { _errors: [{ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: 'parse:["users"] and users: [ids...] are mutually exclusive.' }] } });
    // An empty list is not a conflict.
    await alice.api.rest.post(`/channels/${general}/messages`, { content: 'fine', allowed_mentions: { parse: ['users'], users: [] } });
  });

  it('refuses more than 100 allowed users and a message_reference of unknown type', async () => {
    const users = Array.from({ length: 101 }, (_, i) => String(100_000_000_000_000_000n + BigInt(i)));
    expect((await restError(alice.api.rest.post(`/channels/${general}/messages`, { content: 'x', allowed_mentions: { users } }))).code).toBe(50035);
    const target = await alice.api.rest.post<any>(`/channels/${general}/messages`, { content: 'target' });
    expect((await restError(alice.api.rest.post(`/channels/${general}/messages`, { content: 'x', message_reference: { message_id: target.id, type: 7 } }))).code).toBe(50035);
  });
});

describe('activities', () => {
  it('passes no unknown keys, secrets or button urls-as-buttons to other members', async () => {
    const bobGw = await connectGateway(t, bob.token, 'json');
    try {
      bobGw.client.updatePresence({
        status: 'online',
        since: null,
        afk: false,
        activities: [
          {
            name: 'Chess',
            type: 0,
            details: 'Ranked',
            injected: { html: '<script>' },
            secrets: { join: 'join-secret' },
            assets: { large_image: 'board', large_text: 'Board', tracking_pixel: 'https://evil.example/p.gif' },
            buttons: [{ label: 'Watch', url: 'https://chess.example/watch' }],
            party: { id: 'p1', size: [1, 2], leader_token: 'x' },
          },
        ],
      });
      await eventually(() => aliceGw.of('PRESENCE_UPDATE').some((p) => p.user.id === bob.id && p.activities[0]?.name === 'Chess'), 'presence with Chess');
      const seen = aliceGw.of('PRESENCE_UPDATE').filter((p) => p.user.id === bob.id && p.activities[0]?.name === 'Chess').at(-1);
      expect(seen.activities).toEqual([
        {
          name: 'Chess',
          type: 0,
          details: 'Ranked',
          assets: { large_image: 'board', large_text: 'Board' },
          buttons: ['Watch'],
          metadata: { button_urls: ['https://chess.example/watch'] },
          party: { id: 'p1', size: [1, 2] },
        },
      ]);
    } finally {
      bobGw.close();
    }
  });

  it('closes with 4002 on a 10,000-character activity name, and nobody sees it', async () => {
    const { ws, closed, messages } = rawSocket(t, 'v=10&encoding=json');
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ op: 2, d: { token: bob.token, properties: { os: 'linux', browser: 'test', device: 'test' } } }));
    await eventually(() => messages.some((m) => String(m).includes('"READY"')), 'READY');
    ws.send(JSON.stringify({ op: 3, d: { status: 'online', since: null, afk: false, activities: [{ name: 'n'.repeat(10_000), type: 0 }] } }));
    expect((await closed).code).toBe(GatewayCloseCode.DecodeError);
    expect(aliceGw.of('PRESENCE_UPDATE').some((p) => p.activities?.some((a: { name: string }) => a.name.length > 128))).toBe(false);
    expect((await alice.api.me()).id).toBe(alice.id);
  });
});
