import { beforeEach, describe, expect, it } from 'vitest';
import { useRelationshipStore } from '../state/relationshipStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { handleDispatch } from './dispatch.ts';
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
