// Who is signed in and how the realtime connection is doing. The session lifecycle is one
// discriminated union so that every screen switches on `session.status` rather than on flags.
import { create } from 'zustand';
import type { APIActivity, APISelfUser, PresenceStatus } from '@concord/protocol';
import type { LocalActivity } from '../../shared/activityBridge.ts';

export type SessionState =
  | { status: 'signedOut'; reason: string | null }
  | { status: 'connecting'; token: string }
  | { status: 'ready'; token: string; sessionId: string }
  | { status: 'reconnecting'; token: string; attempt: number };

export interface SessionStore {
  session: SessionState;
  user: APISelfUser | null;
  /** The REST API could not be reached the last time it was needed (cached data is shown). */
  apiReachable: boolean;
  selfStatus: Exclude<PresenceStatus, 'offline'>;
  selfActivities: APIActivity[];
  /** This device's games (desktop: local RPC and detection, through bridge.activity); sent after selfActivities. */
  localActivities: LocalActivity[];
  setSession(session: SessionState): void;
  setUser(user: APISelfUser | null): void;
  setApiReachable(reachable: boolean): void;
  setSelfStatus(status: Exclude<PresenceStatus, 'offline'>): void;
  setLocalActivities(activities: LocalActivity[]): void;
}

export const useSessionStore = create<SessionStore>()((set) => ({
  session: { status: 'signedOut', reason: null },
  user: null,
  apiReachable: true,
  selfStatus: 'online',
  selfActivities: [],
  localActivities: [],
  setSession: (session) => set({ session }),
  setUser: (user) => set({ user }),
  setApiReachable: (apiReachable) => set((s) => (s.apiReachable === apiReachable ? s : { apiReachable })),
  setSelfStatus: (selfStatus) => set({ selfStatus }),
  setLocalActivities: (localActivities) => set({ localActivities }),
}));

export function selfUserId(): string | null {
  return useSessionStore.getState().user?.id ?? null;
}
