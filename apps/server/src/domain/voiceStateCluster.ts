// Voice states across the processes of a cluster. Every process holds every live member's voice
// state (READY, GUILD_CREATE, user limits and GET routes agree everywhere): the process that makes
// a change (op 4 through its session, a REST move or disconnect, an AFK move by the state's home)
// applies it, dispatches VOICE_STATE_UPDATE once and publishes the record on the 'voice' topic; every
// process applies records in log order, its own echo included when another process wrote the same
// state in between (so all end equal), as StateReplicator does for metadata. A newcomer gets every
// process's own states (onJoin); a dead process's states go, announced once by the leader, whose
// leaves the others apply (a leader that died too is replaced by the next, which leaves them then).
import type { GuildState } from './DomainState.ts';
import type { DomainContext } from './DomainContext.ts';
import type { VoiceNodesCluster } from './voiceNodesCluster.ts';
import { ReplicaEchoes } from './voiceReplicaEchoes.ts';
import type { VoiceStateReplica } from './voiceReplicaWire.ts';
import type { VoiceStateRecord } from './voiceState.ts';
import type { VoiceStateIndex } from './voiceStateIndex.ts';

export interface VoiceStateClusterHost {
  /** A state that went with its process leaves (revoked, announced and published as any leave). */
  leave(g: GuildState, rec: VoiceStateRecord): void;
  /** The guild has no voice state left anywhere. */
  released(guildId: string): void;
}

const keyOf = (guildId: string, userId: string) => `${guildId}:${userId}`;

export class VoiceStateCluster {
  private readonly echoes: ReplicaEchoes;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: DomainContext,
    private readonly index: VoiceStateIndex,
    readonly nodes: VoiceNodesCluster,
    private readonly host: VoiceStateClusterHost,
  ) {
    this.echoes = new ReplicaEchoes(nodes.self);
    nodes.onStates((origin, body) => this.onReplica(origin, body));
    nodes.cluster.onJoin(() => this.announceOwn());
    nodes.cluster.onDown(() => this.dropStatesOfDead());
    // A session resumed on another process takes its voice state's home along (every process reads the move in the same place of the log).
    this.unsubscribe = ctx.bus.subscribe((m) => {
      if (m.kind !== 'sessionMoved') return;
      for (const [, rec] of this.index.all()) if (rec.sessionId === m.sessionId) rec.home = m.node;
    });
  }

  close(): void {
    this.unsubscribe();
    this.nodes.close();
  }

  get self(): string {
    return this.nodes.self;
  }

  /** Whether this process runs the state's background work (AFK, access changes, node events). */
  isHome(rec: VoiceStateRecord): boolean {
    return rec.home === this.self;
  }

  /** The state changed here: every other process takes it. */
  changed(rec: VoiceStateRecord): void {
    this.echoes.sent(keyOf(rec.guildId, rec.userId));
    this.nodes.send({ type: 'state', state: { ...rec, grant: { ...rec.grant } } });
  }

  left(guildId: string, userId: string): void {
    this.echoes.sent(keyOf(guildId, userId));
    this.nodes.send({ type: 'leave', guildId, userId });
  }

  /** To a newcomer: every state this process is home of (everyone replaces this process's states by it). */
  private announceOwn(): void {
    const states: VoiceStateRecord[] = [];
    for (const [, rec] of this.index.all()) if (this.isHome(rec)) states.push(rec);
    this.nodes.send({ type: 'states', states });
  }

  private onReplica(origin: string, body: VoiceStateReplica): void {
    switch (body.type) {
      case 'state': {
        if (this.echoes.skip(origin, keyOf(body.state.guildId, body.state.userId))) return;
        this.put(body.state);
        return;
      }
      case 'leave':
        if (this.echoes.skip(origin, keyOf(body.guildId, body.userId))) return;
        this.remove(body.guildId, body.userId);
        return;
      case 'states': {
        if (origin === this.self) return;
        const listed = new Set(body.states.map((s) => keyOf(s.guildId, s.userId)));
        for (const [g, rec] of this.index.all()) if (rec.home === origin && !listed.has(keyOf(g.id, rec.userId))) this.remove(g.id, rec.userId);
        for (const rec of body.states) if (rec.home === origin && !this.echoes.inFlight(keyOf(rec.guildId, rec.userId))) this.put(rec);
        return;
      }
    }
  }

  private put(rec: VoiceStateRecord): void {
    const g = this.index.active.get(rec.guildId) ?? this.ctx.state.guilds.get(rec.guildId);
    if (!g) return;
    const mine = g.voiceStates.get(rec.userId);
    // What only the home tracks (its node events) stays the home's when another process moved its member.
    if (mine && this.isHome(mine) && mine.sessionId === rec.sessionId) {
      rec.connected = mine.connected;
      rec.lastActivityMs = Math.max(mine.lastActivityMs, rec.lastActivityMs);
    }
    this.index.put(g, rec);
  }

  private remove(guildId: string, userId: string): void {
    const g = this.index.active.get(guildId);
    if (!g?.voiceStates.has(userId)) return;
    if (this.index.remove(g, userId)) this.host.released(guildId);
  }

  /**
   * A process died or left: the leader makes the members of every dead process leave (the others
   * follow its leaves). Every dead home, not only `node`: a leader that died unnoticed with it left
   * them to the next one.
   */
  private dropStatesOfDead(): void {
    const cluster = this.nodes.cluster;
    if (!cluster.isLeader()) return;
    for (const [g, rec] of this.index.all()) if (!cluster.isAlive(rec.home)) this.host.leave(g, rec);
  }
}
