// The foundation scenario end to end over real HTTP and WebSocket connections: register, create a
// guild and an invite, join, chat, page history, edit, react, pin, DM, read states, restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, GatewayCloseCode } from '@concord/protocol';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('a community chats', () => {
  it('lets two users register, join through an invite and see each other\'s messages live', async () => {
    const alice = await registerUser(t, 'alice_chat');
    const bob = await registerUser(t, 'bob_chat');
    const aliceGw = await connectGateway(t, alice.token, 'json');
    const guild = await alice.api.createGuild({ name: 'Raid Night' });
    await eventually(() => aliceGw.of('GUILD_CREATE').some((g) => g.id === guild.id), 'GUILD_CREATE for the owner');
    const created = aliceGw.of('GUILD_CREATE').find((g) => g.id === guild.id);
    expect(created.channels.map((c: { name: string; type: number }) => [c.name, c.type])).toEqual(
      expect.arrayContaining([['general', ChannelType.GUILD_TEXT], ['General', ChannelType.GUILD_VOICE]]),
    );
    expect(created.roles[0]).toMatchObject({ id: guild.id, name: '@everyone' });

    const invite = await alice.api.createInvite(guild.system_channel_id!, { max_age: 3600, max_uses: 5 });
    expect(invite).toMatchObject({ max_age: 3600, max_uses: 5, uses: 0, guild: { id: guild.id } });
    const bobGw = await connectGateway(t, bob.token, 'bin');
    const preview = await bob.api.getInvite(invite.code);
    expect(preview.guild?.name).toBe('Raid Night');
    await bob.api.acceptInvite(invite.code);
    await eventually(() => bobGw.of('GUILD_CREATE').some((g) => g.id === guild.id), 'GUILD_CREATE for the joiner');
    await eventually(() => aliceGw.of('GUILD_MEMBER_ADD').some((m) => m.user.id === bob.id), 'GUILD_MEMBER_ADD for the owner');

    const sent = await alice.api.sendMessage(guild.system_channel_id!, { content: 'hello <@' + bob.id + '>', nonce: 'n1' });
    expect(sent).toMatchObject({ content: `hello <@${bob.id}>`, author: { id: alice.id }, channel_id: guild.system_channel_id, nonce: 'n1' });
    expect(sent.mentions.map((u) => u.id)).toEqual([bob.id]);
    await eventually(() => bobGw.of('MESSAGE_CREATE').some((m) => m.id === sent.id), 'MESSAGE_CREATE at bob');
    const live = bobGw.of('MESSAGE_CREATE').find((m) => m.id === sent.id);
    expect(live).toMatchObject({ content: sent.content, guild_id: guild.id, member: { roles: [] }, author: { username: 'alice_chat' } });

    const reply = await bob.api.sendMessage(guild.system_channel_id!, { content: 'hi!', message_reference: { message_id: sent.id } });
    expect(reply.type).toBe(19);
    expect(reply.referenced_message?.id).toBe(sent.id);
    expect(reply.mentions.map((u) => u.id)).toEqual([alice.id]);

    const edited = await alice.api.editMessage(guild.system_channel_id!, sent.id, { content: 'hello again' });
    expect(edited.edited_timestamp).not.toBeNull();
    await eventually(() => bobGw.of('MESSAGE_UPDATE').some((m) => m.id === sent.id && m.content === 'hello again'), 'MESSAGE_UPDATE');
    await expect(bob.api.editMessage(guild.system_channel_id!, sent.id, { content: 'hijack' })).rejects.toMatchObject({ status: 403, code: 50005 });

    await bob.api.addReaction(guild.system_channel_id!, sent.id, '🔥');
    await eventually(() => aliceGw.of('MESSAGE_REACTION_ADD').some((r) => r.message_id === sent.id && r.emoji.name === '🔥' && r.user_id === bob.id), 'reaction add');
    const seenByAlice = await alice.api.getMessage(guild.system_channel_id!, sent.id);
    expect(seenByAlice.reactions).toEqual([expect.objectContaining({ count: 1, me: false, emoji: { id: null, name: '🔥' } })]);
    const seenByBob = await bob.api.getMessage(guild.system_channel_id!, sent.id);
    expect(seenByBob.reactions?.[0]?.me).toBe(true);
    expect((await alice.api.getReactions(guild.system_channel_id!, sent.id, '🔥')).map((u) => u.id)).toEqual([bob.id]);
    await bob.api.removeReaction(guild.system_channel_id!, sent.id, '🔥');
    await eventually(() => aliceGw.of('MESSAGE_REACTION_REMOVE').some((r) => r.message_id === sent.id), 'reaction remove');
    await expect(bob.api.addReaction(guild.system_channel_id!, sent.id, 'notanemoji')).rejects.toMatchObject({ status: 404, code: 10014 });

    await bob.api.triggerTyping(guild.system_channel_id!);
    await eventually(() => aliceGw.of('TYPING_START').some((e) => e.user_id === bob.id), 'TYPING_START');

    await alice.api.pin(guild.system_channel_id!, sent.id);
    await eventually(() => bobGw.of('CHANNEL_PINS_UPDATE').length > 0, 'CHANNEL_PINS_UPDATE');
    expect((await bob.api.getPins(guild.system_channel_id!)).map((m) => m.id)).toEqual([sent.id]);
    await expect(bob.api.pin(guild.system_channel_id!, reply.id)).rejects.toMatchObject({ status: 403, code: 50013 });

    await bob.api.deleteMessage(guild.system_channel_id!, reply.id);
    await eventually(() => aliceGw.of('MESSAGE_DELETE').some((e) => e.id === reply.id), 'MESSAGE_DELETE');
    await expect(bob.api.deleteMessage(guild.system_channel_id!, sent.id)).rejects.toMatchObject({ status: 403, code: 50013 });
    aliceGw.close();
    bobGw.close();
  });

  it('pages history before, after and around a message', async () => {
    const owner = await registerUser(t);
    const guild = await owner.api.createGuild({ name: 'History' });
    const channel = guild.system_channel_id!;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await owner.api.sendMessage(channel, `m${i}`)).id);

    const latest = await owner.api.getMessages(channel, { limit: 10 });
    expect(latest.map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => `m${29 - i}`));
    const before = await owner.api.getMessages(channel, { before: ids[10]!, limit: 5 });
    expect(before.map((m) => m.content)).toEqual(['m9', 'm8', 'm7', 'm6', 'm5']);
    const after = await owner.api.getMessages(channel, { after: ids[10]!, limit: 5 });
    expect(after.map((m) => m.content)).toEqual(['m15', 'm14', 'm13', 'm12', 'm11']);
    const around = await owner.api.getMessages(channel, { around: ids[15]!, limit: 5 });
    expect(around.map((m) => m.content)).toEqual(['m17', 'm16', 'm15', 'm14', 'm13']);
    expect((await owner.api.getMessages(channel)).length).toBe(30);
    await expect(owner.api.getMessages(channel, { limit: 101 })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(owner.api.getMessages(channel, { limit: 0 })).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('carries read states and mention counts in READY and clears them on ack', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const { general } = await guildWithMember(alice, bob);
    const first = await alice.api.sendMessage(general, `<@${bob.id}> look`);
    await alice.api.sendMessage(general, `<@${bob.id}> again`);
    const gw = await connectGateway(t, bob.token);
    const ready = await new Promise<any>((resolve) => {
      const c = gw.client;
      c.close();
      c.once('ready', resolve);
      c.connect();
    });
    const entry = ready.read_state.entries.find((e: { id: string }) => e.id === general);
    expect(entry).toMatchObject({ mention_count: 2 });
    await bob.api.ack(general, first.id);
    const aliceOther = await connectGateway(t, bob.token);
    const state = (await new Promise<any>((resolve) => {
      aliceOther.client.close();
      aliceOther.client.once('ready', resolve);
      aliceOther.client.connect();
    })).read_state.entries.find((e: { id: string }) => e.id === general);
    expect(state).toMatchObject({ last_message_id: first.id, mention_count: 0 });
    gw.close();
    aliceOther.close();
  });

  it('opens DMs and group DMs that only their recipients can read', async () => {
    const [a, b, c, outsider] = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
    // DMs and group DMs are between friends here (Discord: friends, or people in a shared server).
    for (const u of [b, c, outsider]) {
      await a.api.addFriend(u.id);
      await u.api.addFriend(a.id);
    }
    const bGw = await connectGateway(t, b.token);
    const dm = await a.api.createDM(b.id);
    expect(dm.type).toBe(ChannelType.DM);
    expect(dm.recipients?.map((u) => u.id)).toEqual([b.id]);
    expect((await a.api.createDM(b.id)).id).toBe(dm.id);
    await eventually(() => bGw.of('CHANNEL_CREATE').some((ch) => ch.id === dm.id), 'CHANNEL_CREATE for the DM');
    const msg = await a.api.sendMessage(dm.id, 'psst');
    await eventually(() => bGw.of('MESSAGE_CREATE').some((m) => m.id === msg.id), 'DM message at recipient');
    await expect(outsider.api.getMessages(dm.id)).rejects.toMatchObject({ status: 404, code: 10003 });
    await expect(outsider.api.sendMessage(dm.id, 'hi')).rejects.toMatchObject({ status: 404 });

    const group = await a.api.createGroupDM([b.id, c.id], 'squad');
    expect(group.type).toBe(ChannelType.GROUP_DM);
    expect(group.recipients?.map((u) => u.id).sort()).toEqual([b.id, c.id].sort());
    const gm = await c.api.sendMessage(group.id, 'gg');
    expect((await b.api.getMessages(group.id)).map((m) => m.id)).toContain(gm.id);
    await expect(outsider.api.getMessages(group.id)).rejects.toMatchObject({ status: 404 });
    expect((await b.api.getDMs()).map((ch) => ch.id).sort()).toEqual([dm.id, group.id].sort());

    // Recipients can be added and the owner can remove them again.
    await a.api.rest.put(`/channels/${group.id}/recipients/${outsider.id}`);
    expect((await outsider.api.getMessages(group.id)).map((m) => m.id)).toContain(gm.id);
    await expect(b.api.rest.delete(`/channels/${group.id}/recipients/${outsider.id}`)).rejects.toMatchObject({ status: 403, code: 50013 });
    await a.api.rest.delete(`/channels/${group.id}/recipients/${outsider.id}`);
    await expect(outsider.api.getMessages(group.id)).rejects.toMatchObject({ status: 404 });
    await expect(b.api.rest.get(`/users/@me/guilds/${(await a.api.createGuild({ name: 'Mine' })).id}/member`)).rejects.toMatchObject({ code: 10004 });
    bGw.close();
  });

  it('keeps every acknowledged message across a restart on the same data directory', async () => {
    const own = await startTestServer();
    try {
      const u = await registerUser(own);
      const guild = await u.api.createGuild({ name: 'Durable' });
      const sent: string[] = [];
      await Promise.all(Array.from({ length: 40 }, async (_, i) => sent.push((await u.api.sendMessage(guild.system_channel_id!, `durable ${i}`)).id)));
      await own.restart();
      const again = own.api(u.token);
      const history = await again.getMessages(guild.system_channel_id!, { limit: 100 });
      expect(history.map((m) => m.id).sort()).toEqual([...sent].sort());
      expect((await again.getGuild(guild.id)).name).toBe('Durable');
    } finally {
      await own.close();
    }
  });

  it('crossposts announcement messages to following channels', async () => {
    const owner = await registerUser(t);
    const src = await owner.api.createGuild({ name: 'News Source' });
    const news = await owner.api.createChannel(src.id, { name: 'news', type: ChannelType.GUILD_ANNOUNCEMENT });
    const dst = await owner.api.createGuild({ name: 'Follower' });
    await owner.api.followChannel(news.id, dst.system_channel_id!);
    const post = await owner.api.sendMessage(news.id, 'patch 1.2 is out');
    const crossposted = await owner.api.crosspost(news.id, post.id);
    expect(crossposted.flags & 1).toBe(1);
    const copies = await owner.api.getMessages(dst.system_channel_id!);
    expect(copies[0]).toMatchObject({ content: 'patch 1.2 is out', flags: 2, message_reference: { message_id: post.id, channel_id: news.id } });
    await expect(owner.api.crosspost(news.id, post.id)).rejects.toMatchObject({ code: 40033 });
  });
});

describe('accounts', () => {
  it('logs in with the password and revokes the token on logout', async () => {
    const u = await registerUser(t, 'carol_login');
    const { token } = await t.api().login({ login: 'carol_login', password: 'correct horse battery' });
    const api = t.api(token);
    expect((await api.me()).username).toBe('carol_login');
    await expect(t.api().login({ login: 'carol_login', password: 'wrong password' })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(t.api().register({ username: 'carol_login', password: 'another password' })).rejects.toMatchObject({ status: 400, code: 50035 });
    const gw = await connectGateway(t, token);
    const closed = new Promise<number>((resolve) => gw.client.on('close', (code) => resolve(code)));
    await api.logout();
    expect(await closed).toBe(GatewayCloseCode.AuthenticationFailed);
    await expect(api.me()).rejects.toMatchObject({ status: 401 });
    expect((await u.api.me()).id).toBe(u.id);
    const patched = await u.api.modifyMe({ global_name: 'Carol' });
    expect(patched.global_name).toBe('Carol');
  });
});

describe('unread state', () => {
  it('starts a new member with history already read, and counts DM messages as mentions', async () => {
    const owner = await registerUser(t);
    const joiner = await registerUser(t);
    const guild = await owner.api.createGuild({ name: 'Old news' });
    const old = await owner.api.sendMessage(guild.system_channel_id!, 'said before you joined');
    const invite = await owner.api.createInvite(guild.system_channel_id!);
    const gw = await connectGateway(t, joiner.token);
    await joiner.api.acceptInvite(invite.code);
    await eventually(() => gw.of('MESSAGE_ACK').some((a) => a.channel_id === guild.system_channel_id && a.message_id === old.id), 'MESSAGE_ACK on join');

    const dm = await owner.api.createDM(joiner.id);
    await owner.api.sendMessage(dm.id, 'one');
    await owner.api.sendMessage(dm.id, 'two');
    const ready = await new Promise<any>((resolve) => {
      gw.client.close();
      gw.client.once('ready', resolve);
      gw.client.connect();
    });
    const entries = new Map<string, any>(ready.read_state.entries.map((e: { id: string }) => [e.id, e]));
    expect(entries.get(guild.system_channel_id!)).toMatchObject({ last_message_id: old.id, mention_count: 0 });
    expect(entries.get(dm.id)).toMatchObject({ mention_count: 2 });
    gw.close();
  });
});
