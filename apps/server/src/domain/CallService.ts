// Calls in DMs and group DMs, Discord's model: gateway op 4 with `guild_id: null` and a private
// channel joins that channel's call; the first joiner starts it (a CALL message, CALL_CREATE with the
// other recipients ringing), joins and leaves are CALL_UPDATEs, the last leave is CALL_DELETE and the
// message gets its participants and ended_timestamp (MESSAGE_UPDATE). Calls and their voice states
// are ephemeral and live here only; this service is their one writer. Voice runs on the same nodes
// as guild voice, with the channel id as the node's server id (sticky per channel in the registry).
// In a cluster every process holds every call (CallCluster); the process that changes one tells.
import { ChannelType, MessageType, type CallDispatchData } from '@concord/protocol';
import crypto from 'node:crypto';
import type { BusMessage } from '../bus/EventBus.ts';
import type { ChannelRecord, UserRecord } from '../store/records.ts';
import type { VoiceGrant, VoiceNode, VoiceNodeEvent } from '../voice/VoiceNode.ts';
import type { VoiceNodeRegistry } from '../voice/VoiceNodeRegistry.ts';
import { CallCluster } from './callCluster.ts';
import { callStateToAPI, callToEvent, type Call, type CallVoiceState } from './callState.ts';
import { dispatch, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { MessageService } from './MessageService.ts';
import { serializeMessage } from './messageAccess.ts';
import { newMessageRecord } from './newMessageRecord.ts';
import { hasBlocked } from './RelationshipService.ts';
import type { PrivateVoice, PrivateVoiceRequest, VoiceStateService, VoiceUpdateOutcome } from './VoiceStateService.ts';

export interface CallServiceOptions {
  /** How long a recipient rings before it stops on its own (Discord rings about a minute). */
  ringTimeoutMs?: number;
  /** A CALL message could not be stored or updated (the call itself goes on): log or count it. */
  onMessageError: (err: unknown) => void;
}

const newToken = () => crypto.randomBytes(16).toString('hex');
/** How much later than the ringing process a backstop stops a ring (the ringing process's own stop arrives well before). */
const RING_BACKSTOP_GRACE_MS = 5_000;

export class CallService implements PrivateVoice {
  readonly calls = new Map<string, Call>();
  /** user id -> the channel whose call the user is in. */
  readonly userCall = new Map<string, string>();
  /** Replication across the processes of a cluster; null in one process. */
  private readonly replica: CallCluster | null;
  private readonly ringTimeoutMs: number;
  private readonly onMessageError: (err: unknown) => void;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: DomainContext,
    private readonly nodes: VoiceNodeRegistry,
    private readonly guildVoice: VoiceStateService,
    private readonly messages: MessageService,
    options: CallServiceOptions,
  ) {
    this.ringTimeoutMs = options.ringTimeoutMs ?? 60_000;
    this.onMessageError = options.onMessageError;
    guildVoice.setPrivateVoice(this);
    this.unsubscribe = ctx.bus.subscribe((m) => this.onBus(m));
    this.replica = ctx.cluster ? new CallCluster(ctx, ctx.cluster, this) : null;
  }

  /** 'call' replica bodies that failed to parse (metrics); null in one process. */
  get replicaMalformed(): number | null {
    return this.replica?.malformed ?? null;
  }

  close(): void {
    this.unsubscribe();
    this.replica?.close();
    for (const call of this.calls.values()) for (const timer of call.ringing.values()) clearTimeout(timer);
  }

  /** A participant's process died (cluster, on the leader): it leaves as by op 4. */
  dropState(call: Call, rec: CallVoiceState): void {
    this.leave(call, rec);
  }

  /** Gateway op 4 with guild_id null: join (or switch to) a private channel's call, change self flags, or leave. */
  updateFromGateway(user: UserRecord, sessionId: string, req: PrivateVoiceRequest): VoiceUpdateOutcome {
    const currentId = this.userCall.get(user.id);
    const current = currentId === undefined ? undefined : this.calls.get(currentId);
    const existing = current?.states.get(user.id);
    if (req.channelId === null) {
      if (!current || !existing) return { status: 'unchanged' };
      this.leave(current, existing);
      return { status: 'left' };
    }
    const channel = this.ctx.state.channels.get(req.channelId);
    const refusal = this.joinRefusal(user, channel);
    if (refusal || !channel) return { status: 'refused', reason: refusal ?? 'unknown_channel' };
    if (current && existing && current.channelId === channel.id && existing.sessionId === sessionId) {
      return this.setSelfFlags(current, existing, req) ? { status: 'updated' } : { status: 'unchanged' };
    }
    if (current && existing && current.channelId === channel.id) {
      this.takeOver(current, existing, sessionId, req);
      return { status: 'joined' };
    }
    // Another call: that state goes first.
    if (current && existing) this.leave(current, existing);
    if (!user.bot) this.guildVoice.leaveAllGuildVoice(user.id);
    this.join(user, channel, sessionId, req);
    return { status: 'joined' };
  }

  /** POST /channels/:id/call/ring: rings recipients (all who are not in the call, by default). */
  ring(actor: UserRecord, channelId: string, recipients: readonly string[] | null | undefined): void {
    const { channel, call } = this.requireCall(actor, channelId);
    const targets = recipients ?? channel.recipients;
    let changed = false;
    for (const id of targets) {
      if (id === actor.id || !channel.recipients.includes(id) || call.states.has(id) || call.ringing.has(id)) continue;
      if (hasBlocked(this.ctx.state, id, actor.id)) continue;
      this.startRinging(call, id);
      changed = true;
    }
    if (changed) this.announce(call, 'CALL_UPDATE');
  }

  /** POST /channels/:id/call/stop-ringing: declining (the actor, by default) or the caller giving up on someone. */
  stopRinging(actor: UserRecord, channelId: string, recipients: readonly string[] | null | undefined): void {
    const { call } = this.requireCall(actor, channelId);
    let changed = false;
    for (const id of recipients ?? [actor.id]) changed = this.clearRinging(call, id) || changed;
    if (changed) this.announce(call, 'CALL_UPDATE');
  }

  /** The call in a channel as CALL_CREATE carries it, or null (for a session that starts while it goes on). */
  callOf(channelId: string): CallDispatchData | null {
    const call = this.calls.get(channelId);
    return call ? callToEvent(call) : null;
  }

  sessionEnded(userId: string, sessionId: string): void {
    const call = this.callOfUser(userId);
    const rec = call?.states.get(userId);
    if (call && rec && rec.sessionId === sessionId) this.leave(call, rec);
  }

  /** The user joined guild voice: a user is in one voice channel at a time. */
  leaveUser(userId: string): void {
    const call = this.callOfUser(userId);
    const rec = call?.states.get(userId);
    if (call && rec) this.leave(call, rec);
  }

  ownsServer(serverId: string): boolean {
    return this.calls.has(serverId);
  }

  nodeAdded(): void {
    for (const call of this.calls.values()) for (const rec of call.states.values()) if (rec.nodeId === null && this.isHome(rec)) this.regrant(call, rec);
  }

  nodeLost(nodeId: string): void {
    for (const call of this.calls.values()) for (const rec of call.states.values()) if (rec.nodeId === nodeId && this.isHome(rec)) this.regrant(call, rec);
  }

  /** In a cluster a state's own process re-grants it (once, not once per process). */
  private isHome(rec: CallVoiceState): boolean {
    return this.replica === null || rec.home === this.replica.self;
  }

  /** Node events for a call: a dropped voice connection keeps the state (the client redials); nothing else is tracked. */
  nodeEvent(_node: VoiceNode, _event: VoiceNodeEvent): void {
    // Calls have no AFK channel and no REST joins, so connected/disconnected/activity change nothing here.
  }

  private joinRefusal(user: UserRecord, channel: ChannelRecord | undefined): 'unknown_channel' | 'not_recipient' | 'blocked' | null {
    if (!channel || (channel.type !== ChannelType.DM && channel.type !== ChannelType.GROUP_DM)) return 'unknown_channel';
    if (!channel.recipients.includes(user.id)) return 'not_recipient';
    if (channel.type === ChannelType.DM) {
      const other = channel.recipients.find((id) => id !== user.id);
      if (other !== undefined && (hasBlocked(this.ctx.state, other, user.id) || hasBlocked(this.ctx.state, user.id, other))) return 'blocked';
    }
    return null;
  }

  private requireCall(actor: UserRecord, channelId: string): { channel: ChannelRecord; call: Call } {
    const channel = this.ctx.state.channels.get(channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    if (channel.type !== ChannelType.DM && channel.type !== ChannelType.GROUP_DM) throw new DomainError('UnknownChannel');
    if (!channel.recipients.includes(actor.id)) throw new DomainError('MissingAccess');
    const call = this.calls.get(channelId);
    if (!call) throw new DomainError('UnknownChannel', 'There is no call in this channel');
    return { channel, call };
  }

  private join(user: UserRecord, channel: ChannelRecord, sessionId: string, req: PrivateVoiceRequest): void {
    let call = this.calls.get(channel.id);
    const starting = !call;
    if (!call) call = this.startCall(user, channel);
    const node = this.pickNode(call);
    const grant: VoiceGrant = {
      token: newToken(),
      serverId: channel.id,
      channelId: channel.id,
      userId: user.id,
      sessionId,
      mute: false,
      deaf: false,
      selfMute: req.selfMute,
      selfDeaf: req.selfDeaf,
      // A private call has no permissions: everyone in it may speak, use voice activity and show video.
      canSpeak: true,
      useVad: true,
      prioritySpeaker: false,
      canStream: true,
    };
    const rec: CallVoiceState = {
      userId: user.id,
      sessionId,
      selfMute: req.selfMute,
      selfDeaf: req.selfDeaf,
      selfVideo: req.selfVideo ?? false,
      selfStream: req.selfStream ?? false,
      grant,
      nodeId: node?.id ?? null,
      home: this.replica?.self ?? 'local',
    };
    call.states.set(user.id, rec);
    this.userCall.set(user.id, channel.id);
    if (!call.participants.includes(user.id)) call.participants.push(user.id);
    this.clearRinging(call, user.id);
    if (starting) this.announce(call, 'CALL_CREATE');
    dispatch(this.ctx, `c:${channel.id}`, 'VOICE_STATE_UPDATE', callStateToAPI(rec, channel.id));
    if (!starting) this.announce(call, 'CALL_UPDATE');
    this.grantAndAnnounce(call, rec, node);
  }

  /** The first joiner starts the call: the CALL message, and everyone else rings (not those who blocked the caller). */
  private startCall(caller: UserRecord, channel: ChannelRecord): Call {
    const record = newMessageRecord({ id: this.ctx.ids.next(), channel_id: channel.id, guild_id: null, author_id: caller.id, type: MessageType.CALL, call: { participants: [], ended_at: null } });
    const call: Call = { channelId: channel.id, messageId: record.id, ringing: new Map(), participants: [], states: new Map(), messageWritten: Promise.resolve() };
    this.calls.set(channel.id, call);
    for (const id of channel.recipients) if (id !== caller.id && !hasBlocked(this.ctx.state, id, caller.id)) this.startRinging(call, id);
    record.call = { participants: [caller.id], ended_at: null };
    call.messageWritten = this.messages.persistAndAnnounce(record, channel, [], null).catch((err: unknown) => this.onMessageError(err));
    return call;
  }

  private startRinging(call: Call, userId: string): void {
    const timer = setTimeout(() => {
      if (call.ringing.get(userId) !== timer) return;
      call.ringing.delete(userId);
      if (this.calls.get(call.channelId) === call) this.announce(call, 'CALL_UPDATE');
    }, this.ringTimeoutMs);
    timer.unref();
    call.ringing.set(userId, timer);
  }

  /**
   * A ring another process started: that process stops it; this fires later, only if it died. The
   * leader stops the ring; the others look again later (the leader may be the dead one, not yet noticed).
   */
  ringBackstop(call: Call, userId: string, delayMs = this.ringTimeoutMs + RING_BACKSTOP_GRACE_MS): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      if (call.ringing.get(userId) !== timer || this.calls.get(call.channelId) !== call) return;
      if (this.replica && !this.replica.cluster.isLeader()) {
        call.ringing.set(userId, this.ringBackstop(call, userId, RING_BACKSTOP_GRACE_MS));
        return;
      }
      call.ringing.delete(userId);
      this.announce(call, 'CALL_UPDATE');
    }, delayMs);
    timer.unref();
    return timer;
  }

  private clearRinging(call: Call, userId: string): boolean {
    const timer = call.ringing.get(userId);
    if (timer === undefined) return false;
    clearTimeout(timer);
    call.ringing.delete(userId);
    return true;
  }

  private leave(call: Call, rec: CallVoiceState): void {
    this.guildVoice.nodeById(rec.nodeId)?.revoke(call.channelId, rec.userId);
    call.states.delete(rec.userId);
    if (this.userCall.get(rec.userId) === call.channelId) this.userCall.delete(rec.userId);
    dispatch(this.ctx, `c:${call.channelId}`, 'VOICE_STATE_UPDATE', callStateToAPI(rec, null));
    if (call.states.size > 0) {
      this.announce(call, 'CALL_UPDATE');
      return;
    }
    this.endCall(call);
  }

  /** The last participant left: ringing stops, CALL_DELETE, and the message gets its participants and end. */
  private endCall(call: Call): void {
    for (const timer of call.ringing.values()) clearTimeout(timer);
    call.ringing.clear();
    this.calls.delete(call.channelId);
    this.nodes.release(call.channelId);
    this.replica?.ended(call.channelId);
    dispatch(this.ctx, `c:${call.channelId}`, 'CALL_DELETE', { channel_id: call.channelId });
    const endedAt = Date.now();
    const participants = [...call.participants];
    call.messageWritten = call.messageWritten.then(() => this.finishMessage(call, participants, endedAt)).catch((err: unknown) => this.onMessageError(err));
  }

  private async finishMessage(call: Call, participants: string[], endedAt: number): Promise<void> {
    const record = await this.ctx.messages.get(call.channelId, call.messageId);
    // Deleted meanwhile (a recipient may delete the call message like any of theirs): nothing to update.
    if (!record) return;
    const next = { ...record, call: { participants, ended_at: endedAt } };
    await this.ctx.messages.update(next);
    dispatch(this.ctx, `c:${call.channelId}`, 'MESSAGE_UPDATE', serializeMessage(this.ctx, next, {}));
  }

  private setSelfFlags(call: Call, rec: CallVoiceState, req: PrivateVoiceRequest): boolean {
    const video = req.selfVideo ?? false;
    const stream = req.selfStream ?? false;
    if (rec.selfMute === req.selfMute && rec.selfDeaf === req.selfDeaf && rec.selfVideo === video && rec.selfStream === stream) return false;
    const grantChanged = rec.selfMute !== req.selfMute || rec.selfDeaf !== req.selfDeaf;
    rec.selfMute = req.selfMute;
    rec.selfDeaf = req.selfDeaf;
    rec.selfVideo = video;
    rec.selfStream = stream;
    if (grantChanged) {
      rec.grant = { ...rec.grant, selfMute: rec.selfMute, selfDeaf: rec.selfDeaf };
      this.guildVoice.nodeById(rec.nodeId)?.update(call.channelId, rec.userId, { selfMute: rec.selfMute, selfDeaf: rec.selfDeaf });
    }
    this.replica?.changed(call);
    dispatch(this.ctx, `c:${call.channelId}`, 'VOICE_STATE_UPDATE', callStateToAPI(rec, call.channelId));
    return true;
  }

  /** Another session of the same user joins the call it is in: the old connection is closed, no leave. */
  private takeOver(call: Call, rec: CallVoiceState, sessionId: string, req: PrivateVoiceRequest): void {
    this.guildVoice.nodeById(rec.nodeId)?.revoke(call.channelId, rec.userId);
    rec.sessionId = sessionId;
    rec.home = this.replica?.self ?? 'local';
    rec.selfMute = req.selfMute;
    rec.selfDeaf = req.selfDeaf;
    rec.selfVideo = req.selfVideo ?? false;
    rec.selfStream = req.selfStream ?? false;
    rec.grant = { ...rec.grant, sessionId, selfMute: req.selfMute, selfDeaf: req.selfDeaf };
    dispatch(this.ctx, `c:${call.channelId}`, 'VOICE_STATE_UPDATE', callStateToAPI(rec, call.channelId));
    this.regrant(call, rec);
  }

  private regrant(call: Call, rec: CallVoiceState): void {
    const node = this.pickNode(call);
    rec.grant = { ...rec.grant, token: newToken() };
    rec.nodeId = node?.id ?? null;
    this.replica?.changed(call);
    this.grantAndAnnounce(call, rec, node);
  }

  /** The call's voice node: in a cluster the one its participants use through any process. */
  private pickNode(call: Call): VoiceNode | null {
    return this.guildVoice.pickNode(call.channelId, () => [...call.states.values()].map((r) => r.nodeId));
  }

  /** Grants on the node, then VOICE_SERVER_UPDATE to the joining session: guild_id null, the call's channel as the server. */
  private grantAndAnnounce(call: Call, rec: CallVoiceState, node: VoiceNode | null): void {
    this.guildVoice.grantAndAnnounce(node, rec.grant, { token: rec.grant.token, guild_id: null, channel_id: call.channelId, endpoint: node?.endpoint ?? null });
  }

  private announce(call: Call, t: 'CALL_CREATE' | 'CALL_UPDATE'): void {
    this.replica?.changed(call);
    dispatch(this.ctx, `c:${call.channelId}`, t, callToEvent(call));
  }

  private callOfUser(userId: string): Call | undefined {
    const channelId = this.userCall.get(userId);
    return channelId === undefined ? undefined : this.calls.get(channelId);
  }

  /** A recipient removed from a group DM (or who left it) leaves its call and stops ringing. */
  private onBus(m: BusMessage): void {
    if (m.kind !== 'access') return;
    // Every process of a cluster reads this message: the state's home acts (the leader for ringing), the others follow its replica.
    const leader = this.replica?.cluster.isLeader() ?? true;
    for (const userId of m.userIds) {
      for (const call of [...this.calls.values()]) {
        const channel = this.ctx.state.channels.get(call.channelId);
        if (channel?.recipients.includes(userId)) continue;
        const rec = call.states.get(userId);
        if (rec) {
          if (this.isHome(rec)) this.leave(call, rec);
        } else if (leader && this.clearRinging(call, userId) && this.calls.get(call.channelId) === call) this.announce(call, 'CALL_UPDATE');
      }
    }
  }
}
