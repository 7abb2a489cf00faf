import { describe, expect, it } from 'vitest';
import { DEFAULT_VOICE_VIDEO_LIMITS, VoiceOpcode } from '@concord/protocol';
import { decodeVoiceFrame, decodeVoiceServerUpdate, decodeVoiceState } from './voiceDecoders.ts';

describe('voice decoders', () => {
  it('decodes a VOICE_STATE_UPDATE with server flags and rejects bad ids', () => {
    expect(decodeVoiceState({ guild_id: '1', channel_id: '2', user_id: '3', session_id: 'abc', self_mute: true, deaf: true })).toMatchObject({
      guildId: '1', channelId: '2', userId: '3', sessionId: 'abc', selfMute: true, deaf: true, mute: false,
    });
    expect(decodeVoiceState({ channel_id: null, user_id: '3' })).toMatchObject({ channelId: null, guildId: null });
    expect(decodeVoiceState({ channel_id: 'general', user_id: '3' })).toBeNull();
    expect(decodeVoiceState({ channel_id: '2', user_id: '3', session_id: 5 })).toBeNull();
    expect(decodeVoiceState('x')).toBeNull();
  });

  it('decodes VOICE_SERVER_UPDATE (a null endpoint too) and rejects an endpoint that is not host:port', () => {
    expect(decodeVoiceServerUpdate({ guild_id: '1', token: 't', endpoint: 'localhost:8443' })).toEqual({ guildId: '1', token: 't', endpoint: 'localhost:8443' });
    expect(decodeVoiceServerUpdate({ guild_id: '1', token: 't', endpoint: null })?.endpoint).toBeNull();
    expect(decodeVoiceServerUpdate({ guild_id: '1', token: 't', endpoint: 'evil.example/<script>' })).toBeNull();
    expect(decodeVoiceServerUpdate({ guild_id: '1', token: '', endpoint: 'a:1' })).toBeNull();
  });

  it('decodes voice gateway frames with their seq and marks unknown or malformed ones ignored', () => {
    expect(decodeVoiceFrame('{"op":8,"d":{"heartbeat_interval":13750}}')).toEqual({ seq: null, frame: { op: VoiceOpcode.Hello, heartbeatIntervalMs: 13750 } });
    expect(decodeVoiceFrame('{"op":5,"d":{"user_id":"7","ssrc":9,"speaking":1},"seq":4}')).toEqual({ seq: 4, frame: { op: VoiceOpcode.Speaking, userId: '7', ssrc: 9, speaking: 1 } });
    expect(decodeVoiceFrame('{"op":4,"d":{"mode":"aead_aes256_gcm_rtpsize","sdp":"v=0"}}')?.frame).toEqual({ op: VoiceOpcode.SessionDescription, mode: 'aead_aes256_gcm_rtpsize', sdp: 'v=0', videoLimits: DEFAULT_VOICE_VIDEO_LIMITS });
    expect(decodeVoiceFrame('{"op":2,"d":{"ssrc":-1,"ip":"x","port":1}}')?.frame.op).toBe('ignored');
    expect(decodeVoiceFrame('{"op":99,"d":{}}')?.frame.op).toBe('ignored');
    expect(decodeVoiceFrame('not json')).toBeNull();
    expect(decodeVoiceFrame('[1]')).toBeNull();
  });
});
