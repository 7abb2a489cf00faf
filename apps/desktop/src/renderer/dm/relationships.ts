// Relationships on the wire: decoders for READY's list and the RELATIONSHIP_* events, and the
// People page's actions (send, accept, decline, remove, block) over REST. The server answers 204
// and then sends the event, so the store changes only through the events.
import { RestError } from '@concord/client';
import { RelationshipType, type APIRelationship, type RelationshipTypeValue } from '@concord/protocol';
import { useMemberStore } from '../state/memberStore.ts';
import { useRelationshipStore } from './relationshipStore.ts';
import { parseFriendTag } from './people.ts';
import { countDecodeFailure, isId, isObj, isStr, isUser } from '../session/decoders.ts';
import { getSession } from '../session/currentSession.ts';

const TYPES: ReadonlySet<number> = new Set(Object.values(RelationshipType));
const isRelationshipType = (x: unknown): x is RelationshipTypeValue => typeof x === 'number' && TYPES.has(x);

export function isRelationship(x: unknown): x is APIRelationship {
  return isObj(x) && isId(x['id']) && isRelationshipType(x['type']) && isUser(x['user']) && x['user'].id === x['id'] && (x['nickname'] === null || isStr(x['nickname'])) && isStr(x['since']);
}

export function isRelationshipRemove(x: unknown): x is { id: string; type: RelationshipTypeValue } {
  return isObj(x) && isId(x['id']) && isRelationshipType(x['type']);
}

/** READY's relationships: entries that do not decode are dropped and counted. */
export function loadRelationships(list: unknown): void {
  const valid: APIRelationship[] = [];
  for (const r of Array.isArray(list) ? list : []) {
    if (isRelationship(r)) valid.push(r);
    else countDecodeFailure('READY.relationships', r);
  }
  useRelationshipStore.getState().load(valid);
  useMemberStore.getState().upsertUsers(valid.map((r) => r.user));
}

export function applyRelationshipEvent(t: 'RELATIONSHIP_ADD' | 'RELATIONSHIP_REMOVE', d: unknown): void {
  if (t === 'RELATIONSHIP_ADD') {
    if (!isRelationship(d)) return countDecodeFailure(t, d);
    useRelationshipStore.getState().upsert(d);
    useMemberStore.getState().upsertUsers([d.user]);
    return;
  }
  if (!isRelationshipRemove(d)) return countDecodeFailure(t, d);
  useRelationshipStore.getState().remove(d.id);
}

/** "Add Friend": returns what to show under the input (Discord's wording). */
export async function sendFriendRequest(input: string): Promise<{ ok: boolean; text: string }> {
  const tag = parseFriendTag(input);
  if (!tag) return { ok: false, text: 'Hm, didn\'t work. Double check that the username is correct.' };
  try {
    await getSession().api.rest.post<void>('/users/@me/relationships', tag);
    return { ok: true, text: `Success! Your friend request to ${tag.username} was sent.` };
  } catch (err) {
    const code = err instanceof RestError ? err.code : 0;
    if (code === 80007) return { ok: false, text: 'You\'re already friends with that user!' };
    if (code === 80003) return { ok: false, text: 'You can\'t send a friend request to yourself.' };
    // Unknown names and blocks read the same, as on Discord: a block is never revealed.
    if (err instanceof RestError && err.status < 500) return { ok: false, text: 'Hm, didn\'t work. Double check that the username is correct.' };
    return { ok: false, text: `The request could not be sent (${err instanceof Error ? err.message : String(err)}). Try again.` };
  }
}

export const acceptFriend = (userId: string) => getSession().api.addFriend(userId);
export const removeRelationship = (userId: string) => getSession().api.removeRelationship(userId);
export const blockUser = (userId: string) => getSession().api.blockUser(userId);
