import { describe, expect, it } from 'vitest';
import { REJOIN_WINDOW_MS, parseRejoinTarget } from './voiceRejoinTarget.ts';

describe('the voice channel kept for the next load', () => {
  const now = 1_700_000_000_000;

  it('reads guild, channel, flags and time; missing flags are off', () => {
    expect(parseRejoinTarget(`{"guildId":"1","channelId":"2","selfMute":true,"selfDeaf":false,"savedAtMs":${now - 2000}}`, now)).toEqual({ guildId: '1', channelId: '2', selfMute: true, selfDeaf: false, savedAtMs: now - 2000 });
    expect(parseRejoinTarget(`{"guildId":"1","channelId":"2","savedAtMs":${now}}`, now)).toEqual({ guildId: '1', channelId: '2', selfMute: false, selfDeaf: false, savedAtMs: now });
  });

  it('drops a target older than the window (a tab restored long after)', () => {
    expect(parseRejoinTarget(`{"guildId":"1","channelId":"2","savedAtMs":${now - REJOIN_WINDOW_MS}}`, now)).not.toBeNull();
    expect(parseRejoinTarget(`{"guildId":"1","channelId":"2","savedAtMs":${now - REJOIN_WINDOW_MS - 1}}`, now)).toBeNull();
    expect(parseRejoinTarget(`{"guildId":"1","channelId":"2","savedAtMs":${now + REJOIN_WINDOW_MS + 1}}`, now)).toBeNull();
  });

  it('drops what is missing, malformed or not snowflakes', () => {
    for (const raw of [null, '', '{', 'null', '7', '{"guildId":"1","savedAtMs":0}', '{"guildId":1,"channelId":"2","savedAtMs":0}', '{"guildId":"x","channelId":"2","savedAtMs":0}', '{"guildId":"1","channelId":"2/../3","savedAtMs":0}', '{"guildId":"1","channelId":"2"}', '{"guildId":"1","channelId":"2","savedAtMs":"0"}']) {
      expect(parseRejoinTarget(raw, 0), String(raw)).toBeNull();
    }
  });
});
