// The DM call store (zustand): the calls going on in this user's DMs and group DMs, from CALL_CREATE,
// CALL_UPDATE and CALL_DELETE. Who rings whom and who is in which call is read from here; the voice
// connection itself stays in the voice store (the DM channel is its server id).
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';
import type { CallRecord } from './callDecoders.ts';

export interface CallStore {
  calls: Readonly<Record<string, CallRecord>>;
  upsert(call: CallRecord): void;
  remove(channelId: string): void;
  reset(): void;
}

export const useCallStore = create<CallStore>()((set) => ({
  calls: {},
  upsert: (call) => set((s) => ({ calls: { ...s.calls, [call.channelId]: call } })),
  remove: (channelId) => set((s) => (channelId in s.calls ? { calls: withoutKey(s.calls, channelId) } : s)),
  reset: () => set({ calls: {} }),
}));

/** The call ringing this user that they are not in (the oldest first): the incoming-call card's. */
export function incomingCall(calls: Readonly<Record<string, CallRecord>>, selfId: string): CallRecord | null {
  for (const call of Object.values(calls)) {
    if (call.ringing.includes(selfId) && !call.voiceStates.some((v) => v.userId === selfId)) return call;
  }
  return null;
}
