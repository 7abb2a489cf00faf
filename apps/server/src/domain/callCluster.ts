// DM and group DM calls across the processes of a cluster. Every process holds every call (so
// CALL_CREATE after READY, ring, accept, decline and the end of a call work whichever processes the
// participants use): the process that changes a call dispatches the events once and publishes the
// whole call on the 'call' topic; every process applies calls in log order, its own echo only when
// another process wrote the call in between. A ring times out where it started (elsewhere a later
// backstop, for when that process died). A newcomer
// gets every call from the leader; a dead process's participants leave, told once by the leader.
import { z } from 'zod';
import type { ClusterNodes } from '../bus/ClusterNodes.ts';
import type { Call, CallVoiceState } from './callState.ts';
import type { DomainContext } from './DomainContext.ts';
import { ReplicaEchoes } from './voiceReplicaEchoes.ts';
import { VoiceGrantSchema } from './voiceReplicaWire.ts';

const ID = z.string().min(1).max(100);

const CallVoiceStateSchema = z.object({
  userId: ID,
  sessionId: ID,
  selfMute: z.boolean(),
  selfDeaf: z.boolean(),
  selfVideo: z.boolean(),
  selfStream: z.boolean(),
  grant: VoiceGrantSchema,
  nodeId: ID.nullable(),
  home: ID,
}) satisfies z.ZodType<CallVoiceState>;

const CallSchema = z.object({
  channelId: ID,
  messageId: ID,
  ringing: z.array(ID).max(100),
  participants: z.array(ID).max(100),
  states: z.array(CallVoiceStateSchema).max(100),
});
type CallWire = z.infer<typeof CallSchema>;

const CallReplicaSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), call: CallSchema }),
  z.object({ type: z.literal('end'), channelId: ID }),
  z.object({ type: z.literal('calls'), calls: z.array(CallSchema).max(100_000) }),
]);
type CallReplica = z.infer<typeof CallReplicaSchema>;

export interface CallClusterHost {
  readonly calls: Map<string, Call>;
  /** user id -> the channel whose call the user is in. */
  readonly userCall: Map<string, string>;
  /** A participant's process died: it leaves the call (on the leader; the others follow its replica). */
  dropState(call: Call, rec: CallVoiceState): void;
  /** The timer for a ring another process started (it stops the ring; this one fires only if it died). */
  ringBackstop(call: Call, userId: string): ReturnType<typeof setTimeout>;
}

export class CallCluster {
  private readonly echoes: ReplicaEchoes;
  private readonly unsubscribe: () => void;
  /** 'call' bodies that failed to parse (dropped). */
  malformed = 0;

  constructor(
    private readonly ctx: DomainContext,
    readonly cluster: ClusterNodes,
    private readonly host: CallClusterHost,
  ) {
    this.echoes = new ReplicaEchoes(cluster.self);
    this.unsubscribe = ctx.bus.subscribe((m) => {
      if (m.kind === 'replica' && m.topic === 'call') this.onReplica(m.origin, m.body);
      // A session resumed on another process takes its call state's home along.
      if (m.kind === 'sessionMoved') for (const call of host.calls.values()) for (const rec of call.states.values()) if (rec.sessionId === m.sessionId) rec.home = m.node;
    });
    cluster.onJoin(() => {
      if (cluster.isLeader()) this.send({ type: 'calls', calls: [...host.calls.values()].map(toWire) });
    });
    // Every dead home, not only the one just down: a leader that died unnoticed with it left them to the next one.
    cluster.onDown(() => {
      if (!cluster.isLeader()) return;
      for (const call of [...host.calls.values()]) for (const rec of [...call.states.values()]) if (!cluster.isAlive(rec.home)) host.dropState(call, rec);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  get self(): string {
    return this.cluster.self;
  }

  changed(call: Call): void {
    this.echoes.sent(call.channelId);
    this.send({ type: 'call', call: toWire(call) });
  }

  ended(channelId: string): void {
    this.echoes.sent(channelId);
    this.send({ type: 'end', channelId });
  }

  private send(body: CallReplica): void {
    this.ctx.bus.publish({ kind: 'replica', origin: this.cluster.self, topic: 'call', body });
  }

  private onReplica(origin: string, raw: unknown): void {
    const parsed = CallReplicaSchema.safeParse(raw);
    if (!parsed.success) {
      this.malformed++;
      return;
    }
    if (!this.cluster.isAlive(origin)) return;
    const body = parsed.data;
    switch (body.type) {
      case 'call':
        if (!this.echoes.skip(origin, body.call.channelId)) this.apply(body.call);
        return;
      case 'end':
        if (!this.echoes.skip(origin, body.channelId)) this.remove(body.channelId);
        return;
      case 'calls':
        if (origin === this.self) return;
        for (const call of body.calls) if (!this.echoes.inFlight(call.channelId)) this.apply(call);
        return;
    }
  }

  private apply(wire: CallWire): void {
    let call = this.host.calls.get(wire.channelId);
    if (call && call.messageId !== wire.messageId) {
      this.remove(call.channelId);
      call = undefined;
    }
    call ??= { channelId: wire.channelId, messageId: wire.messageId, ringing: new Map(), participants: [], states: new Map(), messageWritten: Promise.resolve() };
    // Timers this process runs stay for those still ringing; the rest ring on the process that rang them.
    for (const [userId, timer] of [...call.ringing]) {
      if (wire.ringing.includes(userId)) continue;
      clearTimeout(timer);
      call.ringing.delete(userId);
    }
    for (const userId of wire.ringing) if (!call.ringing.has(userId)) call.ringing.set(userId, this.host.ringBackstop(call, userId));
    call.participants.splice(0, call.participants.length, ...wire.participants);
    for (const userId of call.states.keys()) if (this.host.userCall.get(userId) === call.channelId) this.host.userCall.delete(userId);
    call.states.clear();
    for (const rec of wire.states) {
      call.states.set(rec.userId, rec);
      this.host.userCall.set(rec.userId, call.channelId);
    }
    this.host.calls.set(call.channelId, call);
  }

  private remove(channelId: string): void {
    const call = this.host.calls.get(channelId);
    if (!call) return;
    for (const timer of call.ringing.values()) clearTimeout(timer);
    for (const userId of call.states.keys()) if (this.host.userCall.get(userId) === channelId) this.host.userCall.delete(userId);
    this.host.calls.delete(channelId);
  }
}

function toWire(call: Call): CallWire {
  return {
    channelId: call.channelId,
    messageId: call.messageId,
    ringing: [...call.ringing.keys()],
    participants: [...call.participants],
    states: [...call.states.values()].map((s) => ({ ...s, grant: { ...s.grant } })),
  };
}
