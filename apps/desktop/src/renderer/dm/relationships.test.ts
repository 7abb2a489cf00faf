import { beforeEach, describe, expect, it } from 'vitest';
import { useRelationshipStore } from './relationshipStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { useReadStateStore } from '../state/readStateStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { makeMessage } from '../testing/makeMessage.ts';
import { handleDispatch } from '../session/dispatch.ts';
import { notifyIfNeeded } from '../chat/notifications.ts';
import { loadRelationships } from './relationships.ts';

const user = (id: string) => ({ id, username: `u${id}`, discriminator: '0', global_name: null, avatar: null });
const types = () => Object.fromEntries(Object.entries(useRelationshipStore.getState().byUserId).map(([id, r]) => [id, r.type]));

describe('relationship events', () => {
  beforeEach(() => {
    useRelationshipStore.getState().reset();
    useMemberStore.getState().reset();
  });

  it('loads READY\'s list and follows RELATIONSHIP_ADD / RELATIONSHIP_REMOVE', () => {
    loadRelationships([{ id: '11', type: 1, user: user('11'), nickname: null, since: '2025-01-01T00:00:00Z' }]);
    expect(types()).toEqual({ '11': 1 });
    expect(useMemberStore.getState().users['11']?.username).toBe('u11');
    handleDispatch('RELATIONSHIP_ADD', { id: '12', type: 3, user: user('12'), nickname: null, since: '2025-01-01T00:00:00Z' });
    handleDispatch('RELATIONSHIP_ADD', { id: '11', type: 2, user: user('11'), nickname: null, since: '2025-01-02T00:00:00Z' });
    expect(types()).toEqual({ '11': 2, '12': 3 });
    handleDispatch('RELATIONSHIP_REMOVE', { id: '12', type: 3 });
    expect(types()).toEqual({ '11': 2 });
  });

  it('drops malformed entries and events instead of storing them', () => {
    loadRelationships([{ id: '13', type: 9, user: user('13'), nickname: null, since: 'x' }, { id: '14', type: 1, user: user('15'), nickname: null, since: 'x' }, 'junk']);
    handleDispatch('RELATIONSHIP_ADD', { id: '16', type: 1 });
    handleDispatch('RELATIONSHIP_REMOVE', { id: 'abc', type: 1 });
    expect(types()).toEqual({});
  });
});

describe('messages of blocked users', () => {
  it('do not count as mentions, while everyone else\'s DMs still do', async () => {
    useReadStateStore.getState().reset();
    useSessionStore.setState({ user: { ...user('1'), email: null, verified: true, mfa_enabled: false, locale: 'en-US', premium_type: 0, flags: 0 } });
    loadRelationships([{ id: '21', type: 2, user: user('21'), nickname: null, since: '2025-01-01T00:00:00Z' }]);
    // A DM (no guild): every message counts as a mention unless its author is blocked.
    await notifyIfNeeded(makeMessage({ id: '1000000000000000001', channel_id: '77', author: user('21') }), false);
    expect(useReadStateStore.getState().readStates['77']?.mentionCount ?? 0).toBe(0);
    await notifyIfNeeded(makeMessage({ id: '1000000000000000002', channel_id: '77', author: user('22') }), false);
    expect(useReadStateStore.getState().readStates['77']?.mentionCount).toBe(1);
  });
});
