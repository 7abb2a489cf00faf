// The voice permission table, over the real server and gateway: CONNECT (and VIEW_CHANNEL), SPEAK,
// the user limit (MOVE_MEMBERS bypasses it), USE_VAD, PRIORITY_SPEAKER for joins; MUTE_MEMBERS,
// DEAFEN_MEMBERS and MOVE_MEMBERS for PATCH /guilds/:id/members/:id. Each row states the setup and
// the outcome: the gateway events and REST answers, and the grant the (recording) voice node holds.
import { GatewayOpcode, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { RecordingVoiceNode } from './voice-states.node.ts';

let t: TestServer;
let node: RecordingVoiceNode;

beforeAll(async () => {
  t = await startTestServer({ VOICE: 'off' });
  node = new RecordingVoiceNode('node-perm', 'voice.test:443');
  t.server.voiceNodes.register(node);
});
afterAll(async () => {
  await t.close();
});

const P = PermissionFlags;
const send4 = (r: Recorder, guildId: string, channelId: string | null) => r.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false });
const statesOf = (r: Recorder, userId: string) => r.of('VOICE_STATE_UPDATE').filter((d: { user_id: string }) => d.user_id === userId);

interface Fixture {
  owner: TestUser;
  member: TestUser;
  guildId: string;
  lobby: string;
  /** A voice channel everyone may join: the control that shows an earlier op 4 was ignored. */
  open: string;
}

async function fixture(lobbyOptions: Record<string, unknown> = {}): Promise<Fixture> {
  const owner = await registerUser(t);
  const member = await registerUser(t);
  const { guild } = await guildWithMember(owner, member);
  const lobby = await owner.api.createChannel(guild.id, { name: 'Lobby', type: 2, ...lobbyOptions });
  const open = await owner.api.createChannel(guild.id, { name: 'Open', type: 2 });
  return { owner, member, guildId: guild.id, lobby: lobby.id, open: open.id };
}

interface JoinRow {
  rule: string;
  /** Overwrite for the member on the lobby (allow, deny). */
  overwrite?: { allow?: bigint; deny?: bigint };
  userLimit?: number;
  /** Someone else is in the lobby first. */
  occupied?: boolean;
  joined: boolean;
  restError?: { status: number; code: number };
  grant?: { canSpeak: boolean; useVad: boolean; prioritySpeaker: boolean };
}

const JOIN_TABLE: JoinRow[] = [
  { rule: 'the default @everyone may connect, speak and use voice activity', joined: true, grant: { canSpeak: true, useVad: true, prioritySpeaker: false } },
  { rule: 'without CONNECT the op 4 is ignored and REST answers 50013', overwrite: { deny: P.CONNECT }, joined: false, restError: { status: 403, code: 50013 } },
  { rule: 'without VIEW_CHANNEL the op 4 is ignored and REST answers 50001', overwrite: { deny: P.VIEW_CHANNEL }, joined: false, restError: { status: 403, code: 50001 } },
  { rule: 'without SPEAK the member joins but may not speak', overwrite: { deny: P.SPEAK }, joined: true, grant: { canSpeak: false, useVad: true, prioritySpeaker: false } },
  { rule: 'without USE_VAD the member joins with push-to-talk only', overwrite: { deny: P.USE_VAD }, joined: true, grant: { canSpeak: true, useVad: false, prioritySpeaker: false } },
  { rule: 'PRIORITY_SPEAKER is carried in the grant', overwrite: { allow: P.PRIORITY_SPEAKER }, joined: true, grant: { canSpeak: true, useVad: true, prioritySpeaker: true } },
  { rule: 'a full channel (user limit) refuses the join', userLimit: 1, occupied: true, joined: false, restError: { status: 403, code: 50013 } },
  { rule: 'MOVE_MEMBERS bypasses the user limit', userLimit: 1, occupied: true, overwrite: { allow: P.MOVE_MEMBERS }, joined: true, grant: { canSpeak: true, useVad: true, prioritySpeaker: false } },
  { rule: 'a channel below its user limit may be joined', userLimit: 2, occupied: true, joined: true, grant: { canSpeak: true, useVad: true, prioritySpeaker: false } },
];

describe('voice join permissions', () => {
  it.each(JOIN_TABLE)('$rule', async (row) => {
    const f = await fixture(row.userLimit === undefined ? {} : { user_limit: row.userLimit });
    if (row.overwrite) await f.owner.api.putOverwrite(f.lobby, f.member.id, { type: 1, allow: String(row.overwrite.allow ?? 0n), deny: String(row.overwrite.deny ?? 0n) });
    if (row.occupied) {
      const other = await registerUser(t);
      await other.api.acceptInvite((await f.owner.api.createInvite(f.open, {})).code);
      await other.api.rest.post(`/guilds/${f.guildId}/voice-states/@me`, { channel_id: f.lobby });
    }
    const gw = await connectGateway(t, f.member.token, 'json');
    send4(gw, f.guildId, f.lobby);
    if (row.joined) {
      await eventually(() => gw.of('VOICE_SERVER_UPDATE').length === 1, 'joined');
      expect(statesOf(gw, f.member.id)[0]).toMatchObject({ channel_id: f.lobby });
      expect(node.grantOf(f.guildId, f.member.id)).toMatchObject({ channelId: f.lobby, ...row.grant });
    } else {
      // The op 4 changed nothing: the next (allowed) join is the first state the session sees.
      send4(gw, f.guildId, f.open);
      await eventually(() => gw.of('VOICE_SERVER_UPDATE').length === 1, 'control join');
      expect(statesOf(gw, f.member.id).map((d: { channel_id: string }) => d.channel_id)).toEqual([f.open]);
      send4(gw, f.guildId, null);
      await eventually(() => node.grantOf(f.guildId, f.member.id) === undefined, 'left');
      await expect(f.member.api.rest.post(`/guilds/${f.guildId}/voice-states/@me`, { channel_id: f.lobby })).rejects.toMatchObject(row.restError!);
    }
    gw.close();
  });
});

interface ModerationRow {
  rule: string;
  /** Guild permissions of the moderator's role. */
  perms: bigint;
  patch: 'mute' | 'deaf' | 'move' | 'disconnect';
  /** Deny CONNECT to the moderator on the target channel. */
  noConnectOnTarget?: boolean;
  error?: { status: number; code: number };
}

const MODERATION_TABLE: ModerationRow[] = [
  { rule: 'server mute needs MUTE_MEMBERS', perms: P.DEAFEN_MEMBERS | P.MOVE_MEMBERS, patch: 'mute', error: { status: 403, code: 50013 } },
  { rule: 'MUTE_MEMBERS mutes: mute in the state, no speaking in the grant', perms: P.MUTE_MEMBERS, patch: 'mute' },
  { rule: 'server deafen needs DEAFEN_MEMBERS', perms: P.MUTE_MEMBERS | P.MOVE_MEMBERS, patch: 'deaf', error: { status: 403, code: 50013 } },
  { rule: 'DEAFEN_MEMBERS deafens', perms: P.DEAFEN_MEMBERS, patch: 'deaf' },
  { rule: 'a move needs MOVE_MEMBERS', perms: P.MUTE_MEMBERS | P.DEAFEN_MEMBERS, patch: 'move', error: { status: 403, code: 50013 } },
  { rule: 'a move needs CONNECT to the target channel', perms: P.MOVE_MEMBERS, patch: 'move', noConnectOnTarget: true, error: { status: 403, code: 50013 } },
  { rule: 'MOVE_MEMBERS moves the member in place (same connection)', perms: P.MOVE_MEMBERS, patch: 'move' },
  { rule: 'a disconnect needs MOVE_MEMBERS', perms: P.MUTE_MEMBERS, patch: 'disconnect', error: { status: 403, code: 50013 } },
  { rule: 'MOVE_MEMBERS disconnects with channel_id null', perms: P.MOVE_MEMBERS, patch: 'disconnect' },
];

describe('voice moderation through PATCH /guilds/:id/members/:id', () => {
  it.each(MODERATION_TABLE)('$rule', async (row) => {
    const f = await fixture();
    const mod = await registerUser(t);
    await mod.api.acceptInvite((await f.owner.api.createInvite(f.open, {})).code);
    const role = await f.owner.api.createRole(f.guildId, { name: 'mod', permissions: String(P.VIEW_CHANNEL | P.CONNECT | row.perms) });
    await f.owner.api.addMemberRole(f.guildId, mod.id, role.id);
    if (row.noConnectOnTarget) await f.owner.api.putOverwrite(f.open, mod.id, { type: 1, deny: String(P.CONNECT) });
    const modGw = await connectGateway(t, mod.token, 'json');
    const gw = await connectGateway(t, f.member.token, 'json');
    send4(gw, f.guildId, f.lobby);
    await eventually(() => statesOf(modGw, f.member.id).length === 1, 'member joined');
    const token = node.grantOf(f.guildId, f.member.id)!.token;
    const body = row.patch === 'mute' ? { mute: true } : row.patch === 'deaf' ? { deaf: true } : { channel_id: row.patch === 'move' ? f.open : null };
    const patch = mod.api.modifyMember(f.guildId, f.member.id, body);
    if (row.error) {
      await expect(patch).rejects.toMatchObject(row.error);
      expect(node.grantOf(f.guildId, f.member.id)).toMatchObject({ channelId: f.lobby, mute: false, deaf: false, canSpeak: true });
    } else {
      await patch;
      await eventually(() => statesOf(modGw, f.member.id).length === 2, 'state update');
      const state = statesOf(modGw, f.member.id)[1];
      const grant = node.grantOf(f.guildId, f.member.id);
      if (row.patch === 'mute') {
        expect(state).toMatchObject({ channel_id: f.lobby, mute: true });
        expect(grant).toMatchObject({ token, mute: true, canSpeak: false });
      } else if (row.patch === 'deaf') {
        expect(state).toMatchObject({ channel_id: f.lobby, deaf: true });
        expect(grant).toMatchObject({ token, deaf: true });
      } else if (row.patch === 'move') {
        expect(state).toMatchObject({ channel_id: f.open });
        expect(grant).toMatchObject({ token, channelId: f.open });
        expect(gw.of('VOICE_SERVER_UPDATE')).toHaveLength(1);
      } else {
        expect(state).toMatchObject({ channel_id: null });
        expect(grant).toBeUndefined();
      }
    }
    modGw.close();
    gw.close();
  });

  it('muting, deafening or moving a member who is not in voice answers 40032', async () => {
    const f = await fixture();
    for (const body of [{ mute: true }, { deaf: true }, { channel_id: f.open }, { channel_id: null }]) {
      await expect(f.owner.api.modifyMember(f.guildId, f.member.id, body)).rejects.toMatchObject({ status: 400, code: 40032 });
    }
    // Other fields are not voice fields.
    await expect(f.owner.api.modifyMember(f.guildId, f.member.id, { nick: 'quiet' })).resolves.toMatchObject({ nick: 'quiet' });
  });

  it('a role change recomputes the grant of a member in voice', async () => {
    const f = await fixture();
    const gw = await connectGateway(t, f.member.token, 'json');
    send4(gw, f.guildId, f.lobby);
    await eventually(() => gw.of('VOICE_SERVER_UPDATE').length === 1, 'joined');
    expect(node.grantOf(f.guildId, f.member.id)).toMatchObject({ prioritySpeaker: false });
    const role = await f.owner.api.createRole(f.guildId, { name: 'loud', permissions: String(P.PRIORITY_SPEAKER) });
    await f.owner.api.addMemberRole(f.guildId, f.member.id, role.id);
    await eventually(() => node.grantOf(f.guildId, f.member.id)?.prioritySpeaker === true, 'priority speaker granted');
    await f.owner.api.putOverwrite(f.lobby, f.member.id, { type: 1, deny: String(P.SPEAK) });
    await eventually(() => node.grantOf(f.guildId, f.member.id)?.canSpeak === false, 'SPEAK revoked by an overwrite');
    gw.close();
  });
});
