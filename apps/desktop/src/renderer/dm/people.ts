// What the People page (Home's friends view) lists on each tab, and how the "Add Friend" input is
// read. Pure functions over the relationship list and presences, so they are unit-tested.
import { RelationshipType, type APIRelationship, type PresenceStatus } from '@concord/protocol';

export type PeopleTab = 'online' | 'all' | 'pending' | 'blocked' | 'add';

const displayName = (r: APIRelationship) => (r.nickname ?? r.user.global_name ?? r.user.username).toLowerCase();

/** The rows of a tab, as Discord orders them: pending incoming before outgoing, then by name. */
export function peopleForTab(tab: PeopleTab, relationships: readonly APIRelationship[], statusOf: (userId: string) => PresenceStatus | undefined): APIRelationship[] {
  const online = (r: APIRelationship) => (statusOf(r.id) ?? 'offline') !== 'offline';
  let list: APIRelationship[];
  switch (tab) {
    case 'online':
      list = relationships.filter((r) => r.type === RelationshipType.FRIEND && online(r));
      break;
    case 'all':
      list = relationships.filter((r) => r.type === RelationshipType.FRIEND);
      break;
    case 'pending':
      list = relationships.filter((r) => r.type === RelationshipType.PENDING_INCOMING || r.type === RelationshipType.PENDING_OUTGOING);
      break;
    case 'blocked':
      list = relationships.filter((r) => r.type === RelationshipType.BLOCKED);
      break;
    case 'add':
      return [];
    default: {
      const never: never = tab;
      return never;
    }
  }
  return list.sort((a, b) => (tab === 'pending' ? a.type - b.type : 0) || displayName(a).localeCompare(displayName(b)));
}

/** Incoming requests waiting for an answer: the badge on the Pending tab and the People entry. */
export function pendingIncomingCount(relationships: readonly APIRelationship[]): number {
  let n = 0;
  for (const r of relationships) if (r.type === RelationshipType.PENDING_INCOMING) n++;
  return n;
}

/**
 * Reads the "Add Friend" input: a username, or the legacy `name#1234` form. Returns null for
 * something that cannot be a username (so the button stays disabled and nothing is sent).
 */
export function parseFriendTag(input: string): { username: string; discriminator?: string } | null {
  const text = input.trim();
  const m = /^([a-zA-Z0-9_.]{2,32})(?:#(\d{4}))?$/.exec(text);
  if (!m) return null;
  return m[2] ? { username: m[1]!, discriminator: m[2] } : { username: m[1]! };
}
