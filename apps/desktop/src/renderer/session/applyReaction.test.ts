import { describe, expect, it } from 'vitest';
import { applyReaction } from './dispatch.ts';
import { makeMessage } from '../testing/makeMessage.ts';

const base = makeMessage({ id: '5' });
const fire = { id: null, name: '🔥' };

describe('applyReaction', () => {
  it('counts other users and marks our own reaction', () => {
    let m = applyReaction(base, { emoji: fire, user_id: '2' }, true, '1');
    m = applyReaction(m, { emoji: fire, user_id: '1' }, true, '1');
    expect(m.reactions).toHaveLength(1);
    expect(m.reactions![0]).toMatchObject({ count: 2, me: true });
  });

  it('ignores our own echo after an optimistic add, so the count does not double', () => {
    const once = applyReaction(base, { emoji: fire, user_id: '1' }, true, '1');
    const echoed = applyReaction(once, { emoji: fire, user_id: '1' }, true, '1');
    expect(echoed.reactions![0]!.count).toBe(1);
  });

  it('drops a reaction when its count reaches zero', () => {
    const added = applyReaction(base, { emoji: fire, user_id: '2' }, true, '1');
    expect(applyReaction(added, { emoji: fire, user_id: '2' }, false, '1').reactions).toEqual([]);
  });
});
