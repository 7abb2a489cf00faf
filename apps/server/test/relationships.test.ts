// Friends, friend requests and blocks over real HTTP and WebSocket connections, and the DM rules
// that depend on them (Discord's: a DM only with a friend or someone in a shared server, never
// with someone who blocked you; group DMs only with friends).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcordApi } from '@concord/client';
import { RelationshipType } from '@concord/protocol';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const named = (prefix: string) => registerUser(t, `${prefix}_${++n}_${process.pid}`.slice(0, 32));
const usernameOf = async (u: TestUser) => (await u.api.me()).username;
const typesOf = async (u: TestUser) => Object.fromEntries((await u.api.getRelationships()).map((r) => [r.id, r.type]));

async function befriend(a: TestUser, b: TestUser): Promise<void> {
  await a.api.addFriend(b.id);
  await b.api.addFriend(a.id);
}

describe('friend requests', () => {
  it('sends a request by username, shows it pending on both sides, and accepting makes both friends with events to each', async () => {
    const [alice, bob] = await Promise.all([named('alice'), named('bob')]);
    const [aliceGw, bobGw] = await Promise.all([connectGateway(t, alice.token, 'json'), connectGateway(t, bob.token, 'bin')]);

    await alice.api.sendFriendRequest((await usernameOf(bob)).toUpperCase());
    expect(await typesOf(alice)).toEqual({ [bob.id]: RelationshipType.PENDING_OUTGOING });
    expect(await typesOf(bob)).toEqual({ [alice.id]: RelationshipType.PENDING_INCOMING });
    await eventually(() => bobGw.of('RELATIONSHIP_ADD').some((r) => r.id === alice.id && r.type === 3), 'incoming request event at bob');
    const incoming = bobGw.of('RELATIONSHIP_ADD').find((r) => r.id === alice.id);
    expect(incoming).toMatchObject({ id: alice.id, type: 3, user: { id: alice.id, username: await usernameOf(alice) }, nickname: null });
    expect(Number.isNaN(Date.parse(incoming.since))).toBe(false);

    await bob.api.addFriend(alice.id);
    expect(await typesOf(alice)).toEqual({ [bob.id]: RelationshipType.FRIEND });
    expect(await typesOf(bob)).toEqual({ [alice.id]: RelationshipType.FRIEND });
    await eventually(() => aliceGw.of('RELATIONSHIP_ADD').some((r) => r.id === bob.id && r.type === 1), 'friend event at alice');
    await eventually(() => bobGw.of('RELATIONSHIP_ADD').some((r) => r.id === alice.id && r.type === 1), 'friend event at bob');

    // READY carries them too.
    const again = await connectGateway(t, alice.token, 'json');
    const ready = await new Promise<any>((resolve) => {
      again.client.close();
      again.client.once('ready', resolve);
      again.client.connect();
    });
    expect(ready.relationships).toEqual([expect.objectContaining({ id: bob.id, type: 1, user: expect.objectContaining({ id: bob.id }) })]);
    for (const gw of [aliceGw, bobGw, again]) gw.close();
  });

  it('answers Discord\'s codes: unknown name 80004, self 80003, bot 80002, already friends 80007, bot callers 20001', async () => {
    const [carol, dave] = await Promise.all([named('carol'), named('dave')]);
    await expect(carol.api.sendFriendRequest('nobody_has_this_name')).rejects.toMatchObject({ status: 400, code: 80004 });
    await expect(carol.api.sendFriendRequest(await usernameOf(carol))).rejects.toMatchObject({ status: 400, code: 80003 });
    await expect(carol.api.rest.post('/users/@me/relationships', { username: '' })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(carol.api.addFriend('123456789012345678')).rejects.toMatchObject({ status: 404, code: 10013 });
    await befriend(carol, dave);
    await expect(carol.api.sendFriendRequest(await usernameOf(dave))).rejects.toMatchObject({ status: 400, code: 80007 });

    const bot = await carol.api.createBot((await carol.api.createApplication({ name: `friendless_${n}` })).id);
    await expect(carol.api.addFriend(bot.user.id)).rejects.toMatchObject({ status: 400, code: 80002 });
    await expect(new ConcordApi({ baseUrl: `${t.server.url}/api/v10`, token: bot.token, tokenType: 'Bot' }).getRelationships()).rejects.toMatchObject({ status: 403, code: 20001 });
  });

  it('declines, cancels and unfriends with DELETE, telling both sides', async () => {
    const [erin, frank] = await Promise.all([named('erin'), named('frank')]);
    const frankGw = await connectGateway(t, frank.token);
    await erin.api.addFriend(frank.id);
    await frank.api.removeRelationship(erin.id); // decline
    expect(await typesOf(erin)).toEqual({});
    expect(await typesOf(frank)).toEqual({});
    await erin.api.addFriend(frank.id);
    await erin.api.removeRelationship(frank.id); // cancel
    expect(await typesOf(frank)).toEqual({});
    await befriend(erin, frank);
    await erin.api.removeRelationship(frank.id); // unfriend
    expect(await typesOf(frank)).toEqual({});
    await eventually(() => frankGw.of('RELATIONSHIP_REMOVE').some((r) => r.id === erin.id && r.type === 1), 'unfriend event');
    frankGw.close();
  });
});

describe('blocking', () => {
  it('ends a friendship, refuses the blocked user\'s requests with 80001, and unblocking lets them ask again', async () => {
    const [gina, hank] = await Promise.all([named('gina'), named('hank')]);
    const hankGw = await connectGateway(t, hank.token);
    await befriend(gina, hank);
    await gina.api.blockUser(hank.id);
    expect(await typesOf(gina)).toEqual({ [hank.id]: RelationshipType.BLOCKED });
    expect(await typesOf(hank)).toEqual({});
    await eventually(() => hankGw.of('RELATIONSHIP_REMOVE').some((r) => r.id === gina.id), 'the blocked side loses the friend');
    // The blocked side is never told about the block itself.
    expect(hankGw.of('RELATIONSHIP_ADD').some((r) => r.id === gina.id && r.type === 2)).toBe(false);

    await expect(hank.api.addFriend(gina.id)).rejects.toMatchObject({ status: 400, code: 80001 });
    await expect(hank.api.sendFriendRequest(await usernameOf(gina))).rejects.toMatchObject({ status: 400, code: 80001 });
    await gina.api.removeRelationship(hank.id);
    await hank.api.addFriend(gina.id);
    expect(await typesOf(gina)).toEqual({ [hank.id]: RelationshipType.PENDING_INCOMING });
    hankGw.close();
  });

  it('keeps relationships across a restart', async () => {
    const own = await startTestServer();
    try {
      const reg = async (name: string) => {
        const { token, user_id } = await own.api().register({ username: `${name}_${process.pid}`, password: 'correct horse battery' });
        return { id: user_id, token };
      };
      const [ida, jo, kim] = await Promise.all([reg('ida'), reg('jo'), reg('kim')]);
      await own.api(ida.token).addFriend(jo.id);
      await own.api(jo.token).addFriend(ida.id);
      await own.api(ida.token).blockUser(kim.id);
      await own.restart();
      const rels = await own.api(ida.token).getRelationships();
      expect(Object.fromEntries(rels.map((r) => [r.id, r.type]))).toEqual({ [jo.id]: 1, [kim.id]: 2 });
    } finally {
      await own.close();
    }
  });
});

describe('DM safety', () => {
  it('opens a DM only with a friend or someone in a shared server (50007 otherwise)', async () => {
    const [lia, max, ned] = await Promise.all([named('lia'), named('max'), named('ned')]);
    await expect(lia.api.createDM(max.id)).rejects.toMatchObject({ status: 403, code: 50007 });
    await befriend(lia, max);
    expect((await lia.api.createDM(max.id)).recipients?.map((u) => u.id)).toEqual([max.id]);
    await guildWithMember(lia, ned);
    const dm = await ned.api.createDM(lia.id);
    expect((await ned.api.sendMessage(dm.id, 'hi from the server')).content).toBe('hi from the server');
  });

  it('never lets someone the recipient blocked open a DM or send in an existing one', async () => {
    const [olga, pete] = await Promise.all([named('olga'), named('pete')]);
    const { general } = await guildWithMember(olga, pete);
    const olgasPost = await olga.api.sendMessage(general, 'react to this');
    const dm = await pete.api.createDM(olga.id);
    await pete.api.sendMessage(dm.id, 'before the block');
    await olga.api.blockUser(pete.id);
    await expect(pete.api.sendMessage(dm.id, 'after the block')).rejects.toMatchObject({ status: 403, code: 50007 });
    // The blocker cannot message the blocked user either, as in Discord's client.
    await expect(olga.api.sendMessage(dm.id, 'hello?')).rejects.toMatchObject({ status: 403, code: 50007 });
    const quinn = await named('quinn');
    await guildWithMember(olga, quinn);
    await olga.api.blockUser(quinn.id);
    await expect(quinn.api.createDM(olga.id)).rejects.toMatchObject({ status: 403, code: 50007 });
    expect((await pete.api.getMessages(dm.id)).map((m) => m.content)).toEqual(['before the block']);
    // Nor react to the blocker's messages (Discord: 90001), while the blocker's own reaction works.
    await expect(pete.api.addReaction(general, olgasPost.id, '👍')).rejects.toMatchObject({ status: 403, code: 90001 });
    await olga.api.addReaction(general, olgasPost.id, '👍');
    await olga.api.removeRelationship(pete.id);
    expect((await pete.api.sendMessage(dm.id, 'unblocked')).content).toBe('unblocked');
  });

  it('adds only friends to group DMs', async () => {
    const [rae, sam, tom, uma] = await Promise.all([named('rae'), named('sam'), named('tom'), named('uma')]);
    await befriend(rae, sam);
    await befriend(rae, tom);
    await guildWithMember(rae, uma);
    await expect(rae.api.createGroupDM([sam.id, uma.id])).rejects.toMatchObject({ status: 403, code: 50007 });
    const group = await rae.api.createGroupDM([sam.id, tom.id]);
    await expect(rae.api.rest.put(`/channels/${group.id}/recipients/${uma.id}`)).rejects.toMatchObject({ status: 403, code: 50007 });
    await befriend(rae, uma);
    await rae.api.rest.put(`/channels/${group.id}/recipients/${uma.id}`);
    expect((await uma.api.getMessages(group.id))).toEqual([]);
  });
});

describe('mentions from blocked users', () => {
  it('do not count on the blocker\'s read state, while others\' still do', async () => {
    const [vic, wes, xia] = await Promise.all([named('vic'), named('wes'), named('xia')]);
    const { guild, general } = await guildWithMember(vic, wes);
    await xia.api.acceptInvite((await vic.api.createInvite(general, { max_age: 0 })).code);
    await vic.api.blockUser(wes.id);
    await wes.api.sendMessage(general, `hey <@${vic.id}>`);
    await xia.api.sendMessage(general, `hi <@${vic.id}>`);
    const gw = await connectGateway(t, vic.token, 'json');
    const ready = await new Promise<any>((resolve) => {
      gw.client.close();
      gw.client.once('ready', resolve);
      gw.client.connect();
    });
    const entry = ready.read_state.entries.find((e: { id: string }) => e.id === guild.system_channel_id);
    expect(entry?.mention_count).toBe(1);
    gw.close();
  });
});
