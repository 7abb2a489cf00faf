// Every permission rule observed from the outside: a member without a permission gets 403/50013,
// and no event reaches a session that cannot see the channel it concerns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlags } from '@concord/protocol';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const P = PermissionFlags;

describe('permissions seen from outside', () => {
  it('answers 403 with 50013 for each management action a plain member lacks', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, general } = await guildWithMember(owner, member);
    const cases: [string, () => Promise<unknown>][] = [
      ['modify guild', () => member.api.modifyGuild(guild.id, { name: 'Mine now' })],
      ['create channel', () => member.api.createChannel(guild.id, { name: 'x' })],
      ['modify channel', () => member.api.modifyChannel(general, { topic: 'x' })],
      ['delete channel', () => member.api.deleteChannel(general)],
      ['create role', () => member.api.createRole(guild.id, { name: 'x' })],
      ['kick', () => member.api.kick(guild.id, owner.id)],
      ['ban', () => member.api.ban(guild.id, owner.id)],
      ['list bans', () => member.api.getBans(guild.id)],
      ['put overwrite', () => member.api.putOverwrite(general, guild.id, { type: 0, deny: String(P.SEND_MESSAGES) })],
      ['bulk delete', () => member.api.bulkDelete(general, ['1574994256605478915', '1574994256605478916'])],
      ['list guild invites', () => member.api.getGuildInvites(guild.id)],
      ['delete guild', () => member.api.deleteGuild(guild.id)],
      ['assign role', () => member.api.modifyMember(guild.id, member.id, { roles: [] })],
      ['nick someone else', () => member.api.modifyMember(guild.id, owner.id, { nick: 'boss' })],
    ];
    for (const [what, call] of cases) {
      await expect(call(), what).rejects.toMatchObject({ status: 403, code: 50013 });
    }
    // Members may change their own nickname (CHANGE_NICKNAME is in @everyone by default).
    expect((await member.api.modifyMember(guild.id, '@me', { nick: 'me' })).nick).toBe('me');
    // Non-members don't learn the guild exists.
    const stranger = await registerUser(t);
    await expect(stranger.api.getGuild(guild.id)).rejects.toMatchObject({ status: 404, code: 10004 });
    await expect(stranger.api.getMessages(general)).rejects.toMatchObject({ status: 404, code: 10003 });
  });

  it('hides a private channel and leaks none of its events to members who cannot view it', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild } = await guildWithMember(owner, member);
    const memberGw = await connectGateway(t, member.token, 'bin');
    const jsonGw = await connectGateway(t, member.token, 'json');
    const secret = await owner.api.createChannel(guild.id, {
      name: 'staff',
      permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.VIEW_CHANNEL) }],
    });
    await owner.api.sendMessage(secret.id, 'secret plans');
    await owner.api.triggerTyping(secret.id);
    const marker = await owner.api.sendMessage(guild.system_channel_id!, 'public marker');
    await eventually(() => memberGw.of('MESSAGE_CREATE').some((m) => m.id === marker.id), 'the public marker');
    await eventually(() => jsonGw.of('MESSAGE_CREATE').some((m) => m.id === marker.id), 'the public marker (json)');
    for (const gw of [memberGw, jsonGw]) {
      const leaked = gw.events.filter((e) => JSON.stringify(e.d).includes(secret.id));
      expect(leaked).toEqual([]);
    }
    await expect(member.api.getMessages(secret.id)).rejects.toMatchObject({ status: 403, code: 50001 });
    await expect(member.api.sendMessage(secret.id, 'let me in')).rejects.toMatchObject({ status: 403, code: 50001 });
    expect((await member.api.getChannels(guild.id)).map((c) => c.id)).not.toContain(secret.id);

    // Granting access with a member overwrite announces the channel, and its events follow.
    await owner.api.putOverwrite(secret.id, member.id, { type: 1, allow: String(P.VIEW_CHANNEL) });
    await eventually(() => memberGw.of('CHANNEL_CREATE').some((c) => c.id === secret.id), 'CHANNEL_CREATE on access');
    const now = await owner.api.sendMessage(secret.id, 'welcome to staff');
    await eventually(() => memberGw.of('MESSAGE_CREATE').some((m) => m.id === now.id), 'message after access');
    // Taking it away again announces CHANNEL_DELETE and stops the events.
    await owner.api.deleteOverwrite(secret.id, member.id);
    await eventually(() => memberGw.of('CHANNEL_DELETE').some((c) => c.id === secret.id), 'CHANNEL_DELETE on loss of access');
    const hidden = await owner.api.sendMessage(secret.id, 'not for you');
    const marker2 = await owner.api.sendMessage(guild.system_channel_id!, 'marker 2');
    await eventually(() => memberGw.of('MESSAGE_CREATE').some((m) => m.id === marker2.id), 'marker 2');
    expect(memberGw.of('MESSAGE_CREATE').some((m) => m.id === hidden.id)).toBe(false);
    memberGw.close();
    jsonGw.close();
  });

  it('denies SEND_MESSAGES through a channel overwrite, and a role allow overrides the @everyone deny', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, general } = await guildWithMember(owner, member);
    await owner.api.putOverwrite(general, guild.id, { type: 0, deny: String(P.SEND_MESSAGES) });
    await expect(member.api.sendMessage(general, 'muted?')).rejects.toMatchObject({ status: 403, code: 50013 });
    await expect(member.api.triggerTyping(general)).rejects.toMatchObject({ status: 403, code: 50013 });
    const speakers = await owner.api.createRole(guild.id, { name: 'speakers' });
    await owner.api.putOverwrite(general, speakers.id, { type: 0, allow: String(P.SEND_MESSAGES) });
    await owner.api.addMemberRole(guild.id, member.id, speakers.id);
    expect((await member.api.sendMessage(general, 'I can speak')).content).toBe('I can speak');
    // A member overwrite deny beats the role allow.
    await owner.api.putOverwrite(general, member.id, { type: 1, deny: String(P.SEND_MESSAGES) });
    await expect(member.api.sendMessage(general, 'again?')).rejects.toMatchObject({ status: 403, code: 50013 });
  });

  it('enforces the role hierarchy for roles, kicks and bans', async () => {
    const owner = await registerUser(t);
    const mod = await registerUser(t);
    const target = await registerUser(t);
    const { guild, invite } = await guildWithMember(owner, mod);
    await target.api.acceptInvite(invite.code);
    const low = await owner.api.createRole(guild.id, { name: 'low' });
    const modRole = await owner.api.createRole(guild.id, { name: 'mod', permissions: String(P.KICK_MEMBERS | P.BAN_MEMBERS | P.MANAGE_ROLES | P.VIEW_CHANNEL | P.SEND_MESSAGES) });
    const high = await owner.api.createRole(guild.id, { name: 'high' });
    // Order bottom->top: low(1) < mod(2) < high(3)
    await owner.api.reorderRoles(guild.id, [{ id: low.id, position: 1 }, { id: modRole.id, position: 2 }, { id: high.id, position: 3 }]);
    await owner.api.addMemberRole(guild.id, mod.id, modRole.id);
    await mod.api.addMemberRole(guild.id, target.id, low.id);
    await expect(mod.api.addMemberRole(guild.id, target.id, high.id)).rejects.toMatchObject({ status: 403, code: 50013 });
    await expect(mod.api.modifyRole(guild.id, modRole.id, { name: 'superb' })).rejects.toMatchObject({ status: 403, code: 50013 });
    await expect(mod.api.kick(guild.id, owner.id)).rejects.toMatchObject({ status: 403, code: 50013 });
    // Cannot grant a permission one does not have.
    await expect(mod.api.modifyRole(guild.id, low.id, { permissions: String(P.ADMINISTRATOR) })).rejects.toMatchObject({ status: 403, code: 50013 });
    // The target with a higher role cannot be kicked by an equal or lower one.
    await owner.api.addMemberRole(guild.id, target.id, high.id);
    await expect(mod.api.kick(guild.id, target.id)).rejects.toMatchObject({ status: 403, code: 50013 });
    await owner.api.removeMemberRole(guild.id, target.id, high.id);
    const targetGw = await connectGateway(t, target.token);
    await mod.api.ban(guild.id, target.id);
    await eventually(() => targetGw.of('GUILD_DELETE').some((g) => g.id === guild.id), 'GUILD_DELETE for the banned member');
    expect((await owner.api.getBans(guild.id)).map((b) => b.user.id)).toEqual([target.id]);
    await expect(target.api.acceptInvite(invite.code)).rejects.toMatchObject({ status: 403, code: 40007 });
    await mod.api.unban(guild.id, target.id);
    await target.api.acceptInvite(invite.code);
    expect((await owner.api.getMember(guild.id, target.id)).user?.id).toBe(target.id);
    targetGw.close();
  });

  it('limits invites by uses and age', async () => {
    const owner = await registerUser(t);
    const [a, b] = await Promise.all([registerUser(t), registerUser(t)]);
    const guild = await owner.api.createGuild({ name: 'Invites' });
    const once = await owner.api.createInvite(guild.system_channel_id!, { max_uses: 1, unique: true });
    await a.api.acceptInvite(once.code);
    await expect(b.api.acceptInvite(once.code)).rejects.toMatchObject({ status: 404, code: 10006 });
    const other = await owner.api.createInvite(guild.system_channel_id!, { unique: true });
    await owner.api.deleteInvite(other.code);
    await expect(b.api.getInvite(other.code)).rejects.toMatchObject({ status: 404, code: 10006 });
    await expect(a.api.createInvite(guild.system_channel_id!, {})).resolves.toBeTruthy();
  });
});
