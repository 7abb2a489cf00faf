// The signed-in user's relationships (friends, pending requests, blocks), keyed by the other
// user's id. READY loads the list; RELATIONSHIP_ADD/REMOVE keep it current (relationships.ts).
import { create } from 'zustand';
import { RelationshipType, type APIRelationship } from '@concord/protocol';

export interface RelationshipStore {
  byUserId: Record<string, APIRelationship>;
  load(list: readonly APIRelationship[]): void;
  upsert(relationship: APIRelationship): void;
  remove(userId: string): void;
  reset(): void;
}

export const useRelationshipStore = create<RelationshipStore>()((set) => ({
  byUserId: {},
  load: (list) => set({ byUserId: Object.fromEntries(list.map((r) => [r.id, r])) }),
  upsert: (relationship) => set((s) => ({ byUserId: { ...s.byUserId, [relationship.id]: relationship } })),
  remove: (userId) =>
    set((s) => {
      if (!(userId in s.byUserId)) return s;
      const { [userId]: _removed, ...rest } = s.byUserId;
      return { byUserId: rest };
    }),
  reset: () => set({ byUserId: {} }),
}));

/** Whether the signed-in user has blocked this user (their messages are collapsed). */
export function useIsBlocked(userId: string): boolean {
  return useRelationshipStore((s) => s.byUserId[userId]?.type === RelationshipType.BLOCKED);
}
