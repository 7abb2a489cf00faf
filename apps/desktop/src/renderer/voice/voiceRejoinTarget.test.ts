import { describe, expect, it } from 'vitest';
import { parseRejoinTarget } from './voiceRejoinTarget.ts';

describe('the voice channel kept for the next load', () => {
  it('reads guild, channel and flags; missing flags are off', () => {
    expect(parseRejoinTarget('{"guildId":"1","channelId":"2","selfMute":true,"selfDeaf":false}')).toEqual({ guildId: '1', channelId: '2', selfMute: true, selfDeaf: false });
    expect(parseRejoinTarget('{"guildId":"1","channelId":"2"}')).toEqual({ guildId: '1', channelId: '2', selfMute: false, selfDeaf: false });
  });

  it('drops what is missing, malformed or not snowflakes', () => {
    for (const raw of [null, '', '{', 'null', '7', '{"guildId":"1"}', '{"guildId":1,"channelId":"2"}', '{"guildId":"x","channelId":"2"}', '{"guildId":"1","channelId":"2/../3"}']) {
      expect(parseRejoinTarget(raw), String(raw)).toBeNull();
    }
  });
});
