// Decoders for DM calls: CALL_CREATE / CALL_UPDATE / CALL_DELETE from the gateway and the `call`
// of a CALL message (type 3). Each turns `unknown` into the renderer's own record or null; the
// caller drops and counts what is null.
import { isId, isObj, isStr } from '../session/decoders.ts';
import { decodeVoiceState, type VoiceStateUpdate } from '../voice/voiceDecoders.ts';

/** A call going on in a DM or group DM, as the call store keeps it. */
export interface CallRecord {
  channelId: string;
  messageId: string;
  /** Who is being rung now. */
  ringing: readonly string[];
  /** Who is in the call now (voice states with a channel), in the server's order. */
  voiceStates: readonly VoiceStateUpdate[];
}

const MAX_IDS = 100;

export function decodeCall(x: unknown): CallRecord | null {
  if (!isObj(x) || !isId(x['channel_id']) || !isId(x['message_id'])) return null;
  const ringing = x['ringing'];
  const states = x['voice_states'];
  if (!Array.isArray(ringing) || ringing.length > MAX_IDS || !ringing.every(isId)) return null;
  if (!Array.isArray(states) || states.length > MAX_IDS) return null;
  const voiceStates: VoiceStateUpdate[] = [];
  for (const s of states) {
    const decoded = decodeVoiceState(s);
    if (!decoded || decoded.channelId === null) return null;
    voiceStates.push(decoded);
  }
  return { channelId: x['channel_id'], messageId: x['message_id'], ringing, voiceStates };
}

export function decodeCallDelete(x: unknown): { channelId: string } | null {
  return isObj(x) && isId(x['channel_id']) ? { channelId: x['channel_id'] } : null;
}

/** A CALL message's `call`: who joined, and when it ended (ms since the epoch; null while it goes on). */
export interface MessageCall {
  participants: readonly string[];
  endedAtMs: number | null;
}

export function decodeMessageCall(x: unknown): MessageCall | null {
  if (!isObj(x)) return null;
  const participants = x['participants'];
  if (!Array.isArray(participants) || participants.length > MAX_IDS || !participants.every(isId)) return null;
  const ended = x['ended_timestamp'];
  if (ended === null || ended === undefined) return { participants, endedAtMs: null };
  const endedAtMs = isStr(ended) ? Date.parse(ended) : NaN;
  return Number.isFinite(endedAtMs) ? { participants, endedAtMs } : null;
}
