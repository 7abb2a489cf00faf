// Voice states: joins, moves and leaves (gateway op 4 or REST), self and server mute/deafen, moves
// and disconnects by moderators, the AFK channel, and the grants the voice nodes enforce. States are
// ephemeral and live in GuildState.voiceStates; this service is their only writer. Every change is
// a VOICE_STATE_UPDATE to the guild; the joiner's session then gets VOICE_SERVER_UPDATE (scope
// s:<session>), always after its own state. Access changes on the bus (roles, overwrites, channel
// or member removal) are reconciled here, so other services need not know about voice. In a cluster
// every process holds every state (VoiceStateCluster) and the voice nodes of all processes
// (VoiceNodesCluster); background work on a state (AFK, access, node events) runs on its home only.
import { PermissionFlags, hasPermission, type DispatchPayloads } from '@concord/protocol';
import crypto from 'node:crypto';
import type { BusMessage } from '../bus/EventBus.ts';
import type { ChannelRecord, UserRecord } from '../store/records.ts';
import type { VoiceGrant, VoiceGrantPatch, VoiceNode, VoiceNodeEvent } from '../voice/VoiceNode.ts';
import type { VoiceNodeRegistry } from '../voice/VoiceNodeRegistry.ts';
import { dispatch, requireGuildMember, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';
import { memberToAPI } from './serialize.ts';
import { VoiceNodesCluster } from './voiceNodesCluster.ts';
import { voiceStateToAPI, type VoiceStateRecord } from './voiceState.ts';
import { VoiceStateCluster } from './voiceStateCluster.ts';
import { VoiceStateIndex } from './voiceStateIndex.ts';
import type { MemberVoicePatch, PrivateVoice, PrivateVoiceRequest, VoiceStateRequest, VoiceUpdateOutcome } from './voiceRequests.ts';
import { isVoiceChannel, voiceGrantFlags, voiceJoinRefusal, voiceJoinRefusalError } from './voicePermissions.ts';

export interface VoiceStateServiceOptions {
  /** How often the AFK and unconnected-REST-join sweep runs. */
  sweepIntervalMs?: number;
  /** A REST join whose client never connects to the voice node is dropped after this. */
  restConnectTimeoutMs?: number;
}

export type { MemberVoicePatch, PrivateVoice, PrivateVoiceRequest, VoiceStateRequest, VoiceUpdateOutcome } from './voiceRequests.ts';

const newToken = () => crypto.randomBytes(16).toString('hex');

export class VoiceStateService {
  private readonly index = new VoiceStateIndex();
  /** Replication across the processes of a cluster; null in one process. */
  readonly cluster: VoiceStateCluster | null;
  private readonly sweepTimer: ReturnType<typeof setInterval>;
  private readonly restConnectTimeoutMs: number;
  private readonly unsubscribe: () => void;
  private privateVoice: PrivateVoice | null = null;

  constructor(
    private readonly ctx: DomainContext,
    private readonly nodes: VoiceNodeRegistry,
    options: VoiceStateServiceOptions = {},
  ) {
    this.restConnectTimeoutMs = options.restConnectTimeoutMs ?? 60_000;
    const peers = ctx.cluster ? new VoiceNodesCluster(ctx, nodes, ctx.cluster) : null;
    this.cluster = peers ? new VoiceStateCluster(ctx, this.index, peers, { leave: (g, rec) => this.leave(g, rec), released: (id) => nodes.release(id) }) : null;
    const nodeAdded = () => {
      this.allocateWaiting();
      this.privateVoice?.nodeAdded();
    };
    const nodeLost = (nodeId: string) => {
      this.reallocateFrom(nodeId);
      this.privateVoice?.nodeLost(nodeId);
    };
    const nodeEvent = (node: VoiceNode, e: VoiceNodeEvent) => (this.privateVoice?.ownsServer(e.serverId) ? this.privateVoice.nodeEvent(node, e) : this.onNodeEvent(node, e));
    nodes.setListener({
      nodeAdded: () => {
        peers?.announce();
        nodeAdded();
      },
      nodeLost: (node) => {
        peers?.announce();
        nodeLost(node.id);
      },
      nodeEvent,
    });
    peers?.onPeer((added, nodeId) => (added ? nodeAdded() : nodeLost(nodeId)));
    peers?.onEvent(nodeEvent);
    this.unsubscribe = ctx.bus.subscribe((m) => this.onBus(m));
    this.sweepTimer = setInterval(() => this.sweep(Date.now()), options.sweepIntervalMs ?? 10_000);
    this.sweepTimer.unref();
  }

  close(): void {
    clearInterval(this.sweepTimer);
    this.unsubscribe();
    this.cluster?.close();
  }

  /** Voice nodes of every process (in a cluster) or of this one: where a state's nodeId is found. */
  nodeById(nodeId: string | null): VoiceNode | undefined {
    if (nodeId === null) return undefined;
    return this.cluster ? this.cluster.nodes.get(nodeId) : this.nodes.get(nodeId);
  }

  /** The node for a server's voice (a guild, or a call's channel): in a cluster the one its members use anywhere. */
  pickNode(serverId: string, inUse: () => Iterable<string | null>): VoiceNode | null {
    return this.cluster ? this.cluster.nodes.pick(serverId, inUse()) : this.nodes.pick(serverId);
  }

  /** Grants on the node and sends VOICE_SERVER_UPDATE to the session (null: none, a REST join). */
  grantAndAnnounce(node: VoiceNode | null, grant: VoiceGrant, serverUpdate: DispatchPayloads['VOICE_SERVER_UPDATE'] | null): void {
    if (this.cluster) {
      this.cluster.nodes.grantAndAnnounce(node, grant, serverUpdate);
      return;
    }
    node?.grant(grant);
    if (serverUpdate) dispatch(this.ctx, `s:${grant.sessionId}`, 'VOICE_SERVER_UPDATE', serverUpdate);
  }

  private isHome(rec: VoiceStateRecord): boolean {
    return this.cluster?.isHome(rec) ?? true;
  }

  /** The composition root hands DM calls their owner. */
  setPrivateVoice(privateVoice: PrivateVoice): void {
    this.privateVoice = privateVoice;
  }

  /** Gateway op 4 with guild_id null: a DM call, refused while no call service is wired. */
  updatePrivateFromGateway(user: UserRecord, sessionId: string, req: PrivateVoiceRequest): VoiceUpdateOutcome {
    return this.privateVoice?.updateFromGateway(user, sessionId, req) ?? { status: 'refused', reason: 'private_call' };
  }

  /** A user (not a bot) joining a call leaves guild voice: one voice channel at a time. */
  leaveAllGuildVoice(userId: string): void {
    for (const [g, rec] of this.index.statesOf(userId)) this.leave(g, rec);
  }

  /** Gateway op 4 from one session. */
  updateFromGateway(user: UserRecord, sessionId: string, req: VoiceStateRequest): VoiceUpdateOutcome {
    const g = this.ctx.state.guilds.get(req.guildId);
    if (!g || !g.members.has(user.id)) return { status: 'refused', reason: 'unknown_guild' };
    const existing = g.voiceStates.get(user.id);
    if (req.channelId === null) {
      if (!existing) return { status: 'unchanged' };
      this.leave(g, existing);
      return { status: 'left' };
    }
    const channel = g.channels.get(req.channelId);
    if (existing && existing.sessionId === sessionId) {
      if (existing.channelId === req.channelId) return this.setSelfFlags(g, existing, req) ? { status: 'updated' } : { status: 'unchanged' };
      const refusal = voiceJoinRefusal(g, channel, user.id, this.occupants(g, req.channelId, user.id));
      if (refusal || !channel) return { status: 'refused', reason: refusal ?? 'unknown_channel' };
      existing.selfMute = req.selfMute;
      existing.selfDeaf = req.selfDeaf;
      existing.selfVideo = req.selfVideo ?? false;
      existing.selfStream = req.selfStream ?? false;
      this.move(g, existing, channel);
      return { status: 'moved' };
    }
    const refusal = voiceJoinRefusal(g, channel, user.id, this.occupants(g, req.channelId, user.id));
    if (refusal || !channel) return { status: 'refused', reason: refusal ?? 'unknown_channel' };
    this.join(g, user, channel, 'gateway', sessionId, req);
    return { status: 'joined' };
  }

  /** POST /guilds/:id/voice-states/@me: the same rules as op 4, for a client without a gateway session. */
  joinViaRest(actor: UserRecord, guildId: string, body: { channel_id: string; self_mute?: boolean | undefined; self_deaf?: boolean | undefined }) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const channel = g.channels.get(body.channel_id);
    const refusal = voiceJoinRefusal(g, channel, actor.id, this.occupants(g, body.channel_id, actor.id));
    if (refusal || !channel) throw voiceJoinRefusalError(g, channel, actor.id, refusal ?? 'unknown_channel');
    const sessionId = newToken();
    const rec = this.join(g, actor, channel, 'rest', sessionId, { guildId, channelId: channel.id, selfMute: body.self_mute ?? false, selfDeaf: body.self_deaf ?? false });
    return { token: rec.grant.token, endpoint: this.endpointOf(rec), session_id: sessionId };
  }

  /** GET /guilds/:id/voice-states/:user_id (or @me). */
  getVoiceState(actor: UserRecord, guildId: string, userId: string) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const rec = g.voiceStates.get(userId === '@me' ? actor.id : userId);
    if (!rec) throw new DomainError('UnknownVoiceState');
    return this.toGuildEvent(g, rec, rec.channelId);
  }

  /** Before PATCH member writes anything: 40032 when the target is not in voice, and the move rules. */
  checkMemberPatch(actor: UserRecord, g: GuildState, targetId: string, patch: MemberVoicePatch): void {
    if (patch.mute == null && patch.deaf == null && patch.channel_id === undefined) return;
    const rec = g.voiceStates.get(targetId);
    if (!rec) throw new DomainError('TargetUserNotConnectedToVoice');
    if (patch.channel_id === undefined) return;
    const source = g.channels.get(rec.channelId);
    if (!source || !hasPermission(g.channelPermissions(source, actor.id), PermissionFlags.MOVE_MEMBERS)) throw new DomainError('MissingPermissions');
    if (patch.channel_id === null) return;
    const target = g.channels.get(patch.channel_id);
    if (!target) throw new DomainError('UnknownChannel');
    if (!isVoiceChannel(target)) throw DomainError.fieldError('channel_id', 'CHANNEL_TYPE_INVALID', 'The channel is not a voice channel');
    // Discord: the mover needs CONNECT (and MOVE_MEMBERS) in the target; the user limit does not apply.
    if (!hasPermission(g.channelPermissions(target, actor.id), PermissionFlags.VIEW_CHANNEL | PermissionFlags.CONNECT | PermissionFlags.MOVE_MEMBERS)) throw new DomainError('MissingPermissions');
  }

  /** After PATCH member stored the member: apply server mute/deafen, the move or the disconnect. */
  applyMemberPatch(g: GuildState, targetId: string, patch: MemberVoicePatch): void {
    const rec = g.voiceStates.get(targetId);
    if (!rec) return;
    if (patch.channel_id === null) {
      this.leave(g, rec);
      return;
    }
    const target = patch.channel_id === undefined ? undefined : g.channels.get(patch.channel_id);
    if (target && target.id !== rec.channelId && isVoiceChannel(target)) {
      this.move(g, rec, target);
      return;
    }
    if (patch.mute != null || patch.deaf != null) {
      this.refreshGrant(g, rec);
      this.dispatchState(g, rec);
    }
  }

  /** A gateway session is gone for good (resume window over, logout, revoked token): it leaves voice. */
  sessionEnded(userId: string, sessionId: string): void {
    this.privateVoice?.sessionEnded(userId, sessionId);
    for (const [g, rec] of this.index.statesOf(userId)) if (rec.owner === 'gateway' && rec.sessionId === sessionId) this.leave(g, rec);
  }

  /** Moves idle members to the AFK channel and drops REST joins that never connected. Public so tests can pass a clock. */
  sweep(nowMs: number): void {
    for (const g of [...this.index.active.values()]) {
      const afk = g.guild.afk_channel_id === null ? undefined : g.channels.get(g.guild.afk_channel_id);
      const idleMs = g.guild.afk_timeout * 1000;
      for (const rec of [...g.voiceStates.values()]) {
        if (!this.isHome(rec)) continue;
        if (rec.owner === 'rest' && !rec.connected && nowMs - rec.joinedAtMs > this.restConnectTimeoutMs) this.leave(g, rec);
        else if (afk && isVoiceChannel(afk) && rec.channelId !== afk.id && nowMs - rec.lastActivityMs >= idleMs) this.move(g, rec, afk);
      }
    }
  }

  private join(g: GuildState, user: UserRecord, channel: ChannelRecord, owner: VoiceStateRecord['owner'], sessionId: string, req: VoiceStateRequest): VoiceStateRecord {
    const previous = g.voiceStates.get(user.id);
    // Another session (or a REST join) takes the state over: the old connection is closed, no leave event.
    if (previous) this.revokeOnNode(g.id, previous);
    // A user is in one voice channel at a time across guilds and calls; a bot in one per guild.
    if (!user.bot) {
      this.privateVoice?.leaveUser(user.id);
      for (const [other, rec] of this.index.statesOf(user.id)) if (other.id !== g.id) this.leave(other, rec);
    }
    const member = g.members.get(user.id);
    const now = Date.now();
    const flags = voiceGrantFlags(g, channel, user.id, member?.mute ?? false, false);
    const node = this.pickNode(g.id, () => this.nodesInUse(g));
    const grant: VoiceGrant = {
      token: newToken(),
      serverId: g.id,
      channelId: channel.id,
      userId: user.id,
      sessionId,
      mute: member?.mute ?? false,
      deaf: member?.deaf ?? false,
      selfMute: req.selfMute,
      selfDeaf: req.selfDeaf,
      ...flags,
    };
    const rec: VoiceStateRecord = {
      guildId: g.id,
      channelId: channel.id,
      userId: user.id,
      sessionId,
      owner,
      selfMute: req.selfMute,
      selfDeaf: req.selfDeaf,
      selfVideo: (req.selfVideo ?? false) && flags.canStream,
      selfStream: (req.selfStream ?? false) && flags.canStream,
      suppress: false,
      grant,
      nodeId: node?.id ?? null,
      connected: false,
      joinedAtMs: now,
      lastActivityMs: now,
      home: this.cluster?.self ?? 'local',
    };
    this.index.put(g, rec);
    this.dispatchState(g, rec);
    this.grantAndAnnounce(node, grant, this.serverUpdateOf(rec));
    return rec;
  }

  private move(g: GuildState, rec: VoiceStateRecord, channel: ChannelRecord): void {
    rec.channelId = channel.id;
    rec.lastActivityMs = Date.now();
    this.refreshGrant(g, rec);
    this.dropStreamsWithoutRight(rec);
    this.dispatchState(g, rec);
  }

  /** A member who lost STREAM (or moved where it lacks it) stops showing camera and Go Live. Returns whether it changed. */
  private dropStreamsWithoutRight(rec: VoiceStateRecord): boolean {
    if (rec.grant.canStream || (!rec.selfVideo && !rec.selfStream)) return false;
    rec.selfVideo = false;
    rec.selfStream = false;
    return true;
  }

  /** Leaves voice: the node drops the grant (closing the connection) and the guild sees channel_id null. */
  private leave(g: GuildState, rec: VoiceStateRecord, announce = true): void {
    this.revokeOnNode(g.id, rec);
    if (this.index.remove(g, rec.userId)) this.nodes.release(g.id);
    this.cluster?.left(g.id, rec.userId);
    if (announce) dispatch(this.ctx, `g:${g.id}`, 'VOICE_STATE_UPDATE', this.toGuildEvent(g, rec, null));
  }

  /** Self mute/deaf/video/stream: a state update and a grant update, no new server update. Returns whether anything changed. */
  private setSelfFlags(g: GuildState, rec: VoiceStateRecord, req: VoiceStateRequest): boolean {
    // Camera and Go Live need STREAM where the member is; without it self_video/self_stream stay false.
    const video = (req.selfVideo ?? false) && rec.grant.canStream;
    const stream = (req.selfStream ?? false) && rec.grant.canStream;
    if (rec.selfMute === req.selfMute && rec.selfDeaf === req.selfDeaf && rec.selfVideo === video && rec.selfStream === stream) return false;
    rec.selfMute = req.selfMute;
    rec.selfDeaf = req.selfDeaf;
    rec.selfVideo = video;
    rec.selfStream = stream;
    this.refreshGrant(g, rec);
    this.dispatchState(g, rec);
    return true;
  }

  /** Recomputes the grant from the member, the channel and the state; tells the node what changed. */
  private refreshGrant(g: GuildState, rec: VoiceStateRecord): void {
    const channel = g.channels.get(rec.channelId);
    if (!channel) return;
    const member = g.members.get(rec.userId);
    const mute = member?.mute ?? false;
    const next = { channelId: rec.channelId, mute, deaf: member?.deaf ?? false, selfMute: rec.selfMute, selfDeaf: rec.selfDeaf, ...voiceGrantFlags(g, channel, rec.userId, mute, rec.suppress) };
    const patch: VoiceGrantPatch = {};
    let changed = false;
    for (const key of Object.keys(next) as (keyof typeof next)[]) {
      if (rec.grant[key] === next[key]) continue;
      Object.assign(patch, { [key]: next[key] });
      changed = true;
    }
    if (!changed) return;
    rec.grant = { ...rec.grant, ...next };
    this.nodeById(rec.nodeId)?.update(g.id, rec.userId, patch);
  }

  private revokeOnNode(guildId: string, rec: VoiceStateRecord): void {
    this.nodeById(rec.nodeId)?.revoke(guildId, rec.userId);
  }

  private dispatchState(g: GuildState, rec: VoiceStateRecord): void {
    this.cluster?.changed(rec);
    dispatch(this.ctx, `g:${g.id}`, 'VOICE_STATE_UPDATE', this.toGuildEvent(g, rec, rec.channelId));
  }

  /** VOICE_SERVER_UPDATE for the owning session only (a REST join got its answer in the response). */
  private serverUpdateOf(rec: VoiceStateRecord): DispatchPayloads['VOICE_SERVER_UPDATE'] | null {
    return rec.owner === 'gateway' ? { token: rec.grant.token, guild_id: rec.guildId, endpoint: this.endpointOf(rec) } : null;
  }

  private endpointOf(rec: VoiceStateRecord): string | null {
    return this.nodeById(rec.nodeId)?.endpoint ?? null;
  }

  /** The voice nodes a guild's states use (in a cluster, through any process). */
  private *nodesInUse(g: GuildState): Generator<string | null> {
    for (const rec of g.voiceStates.values()) yield rec.nodeId;
  }

  private toGuildEvent(g: GuildState, rec: VoiceStateRecord, channelId: string | null) {
    const member = g.members.get(rec.userId);
    const withMember = member ? { member: memberToAPI(member, this.ctx.state.users.get(rec.userId)) } : {};
    return voiceStateToAPI(rec, member, { guildId: g.id, channelId, ...withMember });
  }

  private occupants(g: GuildState, channelId: string, exceptUserId: string): number {
    let n = 0;
    for (const rec of g.voiceStates.values()) if (rec.channelId === channelId && rec.userId !== exceptUserId) n++;
    return n;
  }

  /** Grants states that waited for a node ("reallocating", endpoint null) and tells their sessions. */
  private allocateWaiting(): void {
    for (const [g, rec] of this.index.all()) if (rec.nodeId === null && this.isHome(rec)) this.regrant(g, rec);
  }

  /** A node left: its guilds move to another node with fresh tokens (or wait with endpoint null). */
  private reallocateFrom(nodeId: string): void {
    for (const [g, rec] of this.index.all()) if (rec.nodeId === nodeId && this.isHome(rec)) this.regrant(g, rec);
  }

  private regrant(g: GuildState, rec: VoiceStateRecord): void {
    // Nodes other states still use on a node that is gone resolve to nothing: pick skips them.
    const node: VoiceNode | null = this.pickNode(g.id, () => this.nodesInUse(g));
    rec.grant = { ...rec.grant, token: newToken() };
    rec.nodeId = node?.id ?? null;
    rec.connected = false;
    this.cluster?.changed(rec);
    this.grantAndAnnounce(node, rec.grant, this.serverUpdateOf(rec));
  }

  private onNodeEvent(node: VoiceNode, e: VoiceNodeEvent): void {
    const rec = this.index.active.get(e.serverId)?.voiceStates.get(e.userId);
    if (!rec || rec.nodeId !== node.id) return;
    if (this.cluster && !this.cluster.isHome(rec)) {
      this.cluster.nodes.forwardEvent(rec.home, node.id, e);
      return;
    }
    switch (e.type) {
      case 'activity':
        rec.lastActivityMs = Date.now();
        return;
      case 'connected':
        if (e.sessionId === rec.sessionId) rec.connected = true;
        return;
      case 'disconnected':
        if (e.sessionId !== rec.sessionId) return;
        rec.connected = false;
        // A gateway-owned state stays until its session leaves or ends (the client may reconnect).
        if (rec.owner === 'rest') this.leave(this.index.active.get(e.serverId)!, rec);
        return;
    }
  }

  /** Access changes (roles, overwrites, channels, members, guild deletion) and guild settings (the AFK channel). */
  private onBus(m: BusMessage): void {
    switch (m.kind) {
      case 'access':
        for (const userId of m.userIds) for (const guildId of this.index.guildsOf(userId)) this.reconcile(guildId, userId);
        return;
      case 'guildAccess':
        this.reconcile(m.guildId, null);
        return;
      case 'dispatch':
        if (m.t === 'GUILD_UPDATE') this.reconcile(m.d.id, null);
        return;
      case 'disconnectUser':
        return; // the gateway ends the user's sessions, which ends their voice states
    }
  }

  /** Drops states whose guild, member or channel is gone; refreshes the grants of the rest. */
  private reconcile(guildId: string, onlyUserId: string | null): void {
    const g = this.index.active.get(guildId);
    if (!g) return;
    const live = this.ctx.state.guilds.get(guildId) === g;
    for (const rec of [...g.voiceStates.values()]) {
      if ((onlyUserId !== null && rec.userId !== onlyUserId) || !this.isHome(rec)) continue;
      const channel = g.channels.get(rec.channelId);
      if (!live) this.leave(g, rec, false);
      else if (!g.members.has(rec.userId) || !channel || !isVoiceChannel(channel)) this.leave(g, rec);
      else {
        const before = rec.grant;
        this.refreshGrant(g, rec);
        if (this.dropStreamsWithoutRight(rec)) this.dispatchState(g, rec);
        else if (rec.grant !== before) this.cluster?.changed(rec);
      }
    }
  }
}
