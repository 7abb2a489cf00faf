// Gateway events for DM calls, applied to the stores: CALL_CREATE / CALL_UPDATE / CALL_DELETE into
// the call store (and the call's voice states into the voice store, keyed by the DM channel, which
// is the call's voice server id), and the voice-store key of a guild-less VOICE_STATE_UPDATE.
import { countDecodeFailure } from '../session/decoders.ts';
import { useGuildStore } from '../state/guildStore.ts';
import type { VoiceStateUpdate } from '../voice/voiceDecoders.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { decodeCall, decodeCallDelete } from './callDecoders.ts';
import { useCallStore } from './callStore.ts';

export function applyCallEvent(t: 'CALL_CREATE' | 'CALL_UPDATE' | 'CALL_DELETE', d: unknown): void {
  if (t === 'CALL_DELETE') {
    const deleted = decodeCallDelete(d);
    if (!deleted) return countDecodeFailure(t, d);
    useCallStore.getState().remove(deleted.channelId);
    useVoiceStore.getState().removeGuild(deleted.channelId);
    return;
  }
  const call = decodeCall(d);
  if (!call) return countDecodeFailure(t, d);
  useCallStore.getState().upsert(call);
}

/**
 * Where a VOICE_STATE_UPDATE without guild_id goes in the voice store: its DM channel, or for a
 * leave (channel_id null) the DM call the user was in. Null when it belongs to no known call.
 */
export function privateVoiceKey(update: VoiceStateUpdate): string | null {
  if (update.channelId !== null) return isPrivateChannel(update.channelId) ? update.channelId : null;
  const states = useVoiceStore.getState().states;
  for (const key of Object.keys(states)) if (states[key]?.[update.userId] && isPrivateChannel(key)) return key;
  return null;
}

function isPrivateChannel(id: string): boolean {
  const c = useGuildStore.getState().channels[id];
  return c !== undefined && !c.guild_id;
}
