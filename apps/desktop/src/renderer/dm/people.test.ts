import { describe, expect, it } from 'vitest';
import { RelationshipType, type APIRelationship, type PresenceStatus, type RelationshipTypeValue } from '@concord/protocol';
import { parseFriendTag, peopleForTab, pendingIncomingCount } from './people.ts';

const rel = (id: string, type: RelationshipTypeValue, name: string): APIRelationship => ({
  id,
  type,
  user: { id, username: name, discriminator: '0', global_name: null, avatar: null },
  nickname: null,
  since: '2025-01-01T00:00:00.000Z',
});
const list = [
  rel('1', RelationshipType.FRIEND, 'zed'),
  rel('2', RelationshipType.FRIEND, 'amy'),
  rel('3', RelationshipType.PENDING_OUTGOING, 'bob'),
  rel('4', RelationshipType.PENDING_INCOMING, 'cat'),
  rel('5', RelationshipType.BLOCKED, 'dan'),
  rel('6', RelationshipType.PENDING_INCOMING, 'abe'),
];
const status: Record<string, PresenceStatus> = { '1': 'online', '2': 'offline', '5': 'online' };
const names = (tab: Parameters<typeof peopleForTab>[0]) => peopleForTab(tab, list, (id) => status[id]).map((r) => r.user.username);

describe('the People page tabs', () => {
  it('lists online friends, all friends, pending (incoming first) and blocked users', () => {
    expect(names('online')).toEqual(['zed']);
    expect(names('all')).toEqual(['amy', 'zed']);
    expect(names('pending')).toEqual(['abe', 'cat', 'bob']);
    expect(names('blocked')).toEqual(['dan']);
    expect(names('add')).toEqual([]);
  });

  it('counts incoming requests for the badge', () => {
    expect(pendingIncomingCount(list)).toBe(2);
    expect(pendingIncomingCount([])).toBe(0);
  });

  it('reads the Add Friend input as a username or a legacy name#1234 tag', () => {
    expect(parseFriendTag('  alice_01 ')).toEqual({ username: 'alice_01' });
    expect(parseFriendTag('alice#0420')).toEqual({ username: 'alice', discriminator: '0420' });
    expect(parseFriendTag('')).toBeNull();
    expect(parseFriendTag('a')).toBeNull();
    expect(parseFriendTag('no spaces')).toBeNull();
    expect(parseFriendTag('x'.repeat(33))).toBeNull();
  });
});
