import { describe, expect, it } from 'vitest';
import { isMoveTarget, parseVoiceMemberDrag, serializeVoiceMemberDrag } from './voiceMemberDrag.ts';

describe('voice member drag data', () => {
  const drag = { guildId: '100', userId: '200', channelId: '300' };

  it('reads back what it wrote', () => {
    expect(parseVoiceMemberDrag(serializeVoiceMemberDrag(drag))).toEqual(drag);
  });

  it('drops anything that is not three snowflakes (drops from other windows and apps)', () => {
    for (const raw of ['', 'x', 'null', '[]', '"100"', '{"guildId":"100","userId":"200"}', '{"guildId":100,"userId":"200","channelId":"300"}', '{"guildId":"1e3","userId":"200","channelId":"300"}', '{"guildId":"100","userId":"../@me","channelId":"300"}', `{"guildId":"${'1'.repeat(21)}","userId":"200","channelId":"300"}`, 'a'.repeat(201)]) {
      expect(parseVoiceMemberDrag(raw), raw).toBeNull();
    }
  });

  it('offers a move onto another voice channel of the same guild only', () => {
    expect(isMoveTarget(drag, '100', '301')).toBe(true);
    expect(isMoveTarget(drag, '100', '300')).toBe(false);
    expect(isMoveTarget(drag, '101', '301')).toBe(false);
    expect(isMoveTarget(null, '100', '301')).toBe(false);
  });
});
