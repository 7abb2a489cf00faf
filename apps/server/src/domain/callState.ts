// A DM or group DM call as CallService holds it, and its wire shapes (CALL_CREATE/CALL_UPDATE, the
// participants' voice states with guild_id null). Ephemeral: in a cluster every process holds every
// call (CallCluster replicates them on the 'call' topic).
import type { CallDispatchData, VoiceStateDispatchData } from '@concord/protocol';
import type { VoiceGrant } from '../voice/VoiceNode.ts';

/** One participant's voice state in a call (guild_id null on the wire). */
export interface CallVoiceState {
  readonly userId: string;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  selfVideo: boolean;
  selfStream: boolean;
  grant: VoiceGrant;
  /** null while no voice node is available ("reallocating"). */
  nodeId: string | null;
  /** The process whose session owns the state ('local' in one process): when it dies, the state goes. */
  home: string;
}

export interface Call {
  readonly channelId: string;
  readonly messageId: string;
  /**
   * Who is being rung, with the timer that stops it (where another process of a cluster rang, a
   * later backstop: that process stops the ring, this timer only if it died).
   */
  readonly ringing: Map<string, ReturnType<typeof setTimeout>>;
  /** Everyone who joined at some point, in join order (the message's `participants`). */
  readonly participants: string[];
  readonly states: Map<string, CallVoiceState>;
  /** The CALL message's insert: its end-of-call update waits for it. */
  messageWritten: Promise<void>;
}

export function callToEvent(call: Call): CallDispatchData {
  const nodeIds = [...call.states.values()].map((r) => r.nodeId).filter((id) => id !== null);
  return {
    channel_id: call.channelId,
    message_id: call.messageId,
    ringing: [...call.ringing.keys()],
    voice_states: [...call.states.values()].map((r) => callStateToAPI(r, call.channelId)),
    region: nodeIds[0] ?? 'unavailable',
  };
}

export function callStateToAPI(rec: CallVoiceState, channelId: string | null): VoiceStateDispatchData {
  return {
    channel_id: channelId,
    user_id: rec.userId,
    session_id: rec.sessionId,
    deaf: false,
    mute: false,
    self_deaf: rec.selfDeaf,
    self_mute: rec.selfMute,
    self_stream: rec.selfStream,
    self_video: rec.selfVideo,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}
