import { describe, expect, it } from 'vitest';
import { decodeVoiceServerUpdate } from '../voice/voiceDecoders.ts';
import { decodeCall, decodeMessageCall } from './callDecoders.ts';
import { incomingCall } from './callStore.ts';

const state = (userId: string, channelId: string | null = '10') => ({ channel_id: channelId, user_id: userId, session_id: 's', deaf: false, mute: false, self_deaf: false, self_mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null });

describe('DM call decoders', () => {
  it('decodes CALL_CREATE and finds the call ringing this user', () => {
    const call = decodeCall({ channel_id: '10', message_id: '11', ringing: ['2'], voice_states: [state('1')], region: 'node' });
    expect(call).toMatchObject({ channelId: '10', messageId: '11', ringing: ['2'] });
    expect(call?.voiceStates[0]).toMatchObject({ userId: '1', channelId: '10', guildId: null });
    expect(incomingCall({ '10': call! }, '2')).toBe(call);
    expect(incomingCall({ '10': call! }, '1')).toBeNull();
  });

  it('drops hostile call payloads', () => {
    expect(decodeCall({ channel_id: '10', message_id: '11', ringing: ['x'], voice_states: [] })).toBeNull();
    expect(decodeCall({ channel_id: '10', message_id: '11', ringing: [], voice_states: [state('1', null)] })).toBeNull();
    expect(decodeCall({ channel_id: '10', message_id: '11', ringing: new Array(101).fill('1'), voice_states: [] })).toBeNull();
    expect(decodeCall(null)).toBeNull();
    expect(decodeMessageCall({ participants: ['1'], ended_timestamp: 'not a date' })).toBeNull();
    expect(decodeMessageCall({ participants: ['1'], ended_timestamp: '2024-05-01T10:00:00.000Z' })).toEqual({ participants: ['1'], endedAtMs: Date.parse('2024-05-01T10:00:00.000Z') });
  });

  it("takes a DM call's VOICE_SERVER_UPDATE (guild_id null) with its channel as the server id", () => {
    expect(decodeVoiceServerUpdate({ token: 't', guild_id: null, channel_id: '10', endpoint: 'h:1' })).toEqual({ guildId: '10', token: 't', endpoint: 'h:1' });
    expect(decodeVoiceServerUpdate({ token: 't', guild_id: null, endpoint: 'h:1' })).toBeNull();
  });
});
