import { describe, expect, it } from 'vitest';
import type { VoiceStateUpdate } from './voiceDecoders.ts';
import {
  DISCONNECTED,
  applyVoiceStateUpdate,
  membersInChannel,
  onEngineConnected,
  onEngineLost,
  onOwnVoiceState,
  onVoiceServerUpdate,
  replaceGuildVoiceStates,
  requestJoin,
  type VoiceConnection,
} from './voiceReducers.ts';

const G = '100';
const state = (userId: string, channelId: string | null, extra: Partial<VoiceStateUpdate> = {}): VoiceStateUpdate => ({
  guildId: G,
  userId,
  channelId,
  sessionId: `s${userId}`,
  selfMute: false,
  selfDeaf: false,
  mute: false,
  deaf: false,
  selfVideo: false,
  selfStream: false,
  suppress: false,
  ...extra,
});

describe('voice states', () => {
  it('lists members of a channel in join order, and a move puts the member last in the new channel', () => {
    let s = applyVoiceStateUpdate({}, G, state('1', '10'));
    s = applyVoiceStateUpdate(s, G, state('2', '10'));
    s = applyVoiceStateUpdate(s, G, state('3', '11'));
    expect(membersInChannel(s, G, '10').map((m) => m.userId)).toEqual(['1', '2']);
    s = applyVoiceStateUpdate(s, G, state('1', '11'));
    expect(membersInChannel(s, G, '10').map((m) => m.userId)).toEqual(['2']);
    expect(membersInChannel(s, G, '11').map((m) => m.userId)).toEqual(['3', '1']);
  });

  it('a null channel removes the member; a repeat of the same state keeps the same object', () => {
    const s1 = applyVoiceStateUpdate({}, G, state('1', '10', { selfMute: true }));
    expect(applyVoiceStateUpdate(s1, G, state('1', '10', { selfMute: true }))).toBe(s1);
    const s2 = applyVoiceStateUpdate(s1, G, state('1', '10', { mute: true }));
    expect(s2[G]?.['1']).toMatchObject({ selfMute: false, mute: true });
    const s3 = applyVoiceStateUpdate(s2, G, state('1', null));
    expect(s3[G]).toEqual({});
    expect(applyVoiceStateUpdate(s3, G, state('1', null))).toBe(s3);
  });

  it('READY / GUILD_CREATE replace the guild list and leave other guilds alone', () => {
    let s = applyVoiceStateUpdate({}, G, state('1', '10'));
    s = applyVoiceStateUpdate(s, '200', state('9', '20', { guildId: '200' }));
    s = replaceGuildVoiceStates(s, G, [state('2', '10')]);
    expect(Object.keys(s[G] ?? {})).toEqual(['2']);
    expect(Object.keys(s['200'] ?? {})).toEqual(['9']);
  });
});

describe('own connection', () => {
  const server = { guildId: G, token: 'tok', endpoint: 'localhost:8443' };
  const joined = (): VoiceConnection => onVoiceServerUpdate(onOwnVoiceState(requestJoin(DISCONNECTED, G, '10'), state('1', '10', { sessionId: 'me' }), 'me'), server);

  it('connects only after both our VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE, in either order', () => {
    expect(joined()).toMatchObject({ status: 'connecting', channelId: '10', token: 'tok', endpoint: 'localhost:8443', attempt: 0 });
    const serverFirst = onVoiceServerUpdate(requestJoin(DISCONNECTED, G, '10'), server);
    expect(serverFirst.status).toBe('joining');
    expect(onOwnVoiceState(serverFirst, state('1', '10', { sessionId: 'me' }), 'me').status).toBe('connecting');
  });

  it('becomes connected on the engine for the current token only, and redials with a rising attempt after a drop', () => {
    const c = joined();
    expect(onEngineConnected(c, 'old').status).toBe('connecting');
    const up = onEngineConnected(c, 'tok');
    expect(up.status).toBe('connected');
    const lost = onEngineLost(up, 'tok');
    expect(lost).toMatchObject({ status: 'connecting', attempt: 0 });
    expect(onEngineLost(lost, 'tok')).toMatchObject({ attempt: 1 });
  });

  it('a move (ours or a moderator\'s) keeps the connection; a null channel or another session of ours ends it', () => {
    const up = onEngineConnected(joined(), 'tok');
    expect(onOwnVoiceState(up, state('1', '11', { sessionId: 'me' }), 'me')).toMatchObject({ status: 'connected', channelId: '11' });
    expect(onOwnVoiceState(up, state('1', null, { sessionId: 'me' }), 'me')).toBe(DISCONNECTED);
    expect(onOwnVoiceState(up, state('1', '12', { sessionId: 'other-tab' }), 'me')).toBe(DISCONNECTED);
    expect(onOwnVoiceState(up, state('1', null, { sessionId: 'other-tab' }), 'me')).toBe(up);
  });

  it('clicking another channel of the same guild is a move; of another guild a new join; a re-grant redials', () => {
    const up = onEngineConnected(joined(), 'tok');
    expect(requestJoin(up, G, '11')).toMatchObject({ status: 'connected', channelId: '11' });
    expect(requestJoin(up, '200', '20')).toMatchObject({ status: 'joining', guildId: '200', sessionSeen: false });
    expect(onVoiceServerUpdate(up, { ...server, token: 'new' })).toMatchObject({ status: 'connecting', token: 'new', attempt: 0 });
    expect(onVoiceServerUpdate(up, { ...server, endpoint: null })).toMatchObject({ status: 'joining', sessionSeen: true, server: null });
    expect(onVoiceServerUpdate(up, { ...server, guildId: '999' })).toBe(up);
  });
});
