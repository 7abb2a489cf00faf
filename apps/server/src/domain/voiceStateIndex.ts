// Where the voice states are: GuildState.voiceStates holds them (READY and GUILD_CREATE read them
// there); this index adds the guilds that have any (kept after a guild is deleted, so its grants can
// still be revoked) and each user's guilds. VoiceStateService and, in a cluster, the replication
// (VoiceStateCluster) write through it, so the three never disagree.
import type { GuildState } from './DomainState.ts';
import type { VoiceStateRecord } from './voiceState.ts';

export class VoiceStateIndex {
  /** Guilds that have (or had, until reconciled) voice states. */
  readonly active = new Map<string, GuildState>();
  /** user id -> guild ids where the user has a voice state. */
  private readonly userGuilds = new Map<string, Set<string>>();

  /** The guild ids where the user has a voice state (a copy: callers leave while iterating). */
  guildsOf(userId: string): string[] {
    return [...(this.userGuilds.get(userId) ?? [])];
  }

  /** The user's state in each guild where it has one. */
  *statesOf(userId: string): Generator<[GuildState, VoiceStateRecord]> {
    for (const guildId of this.guildsOf(userId)) {
      const g = this.active.get(guildId);
      const rec = g?.voiceStates.get(userId);
      if (g && rec) yield [g, rec];
    }
  }

  *all(): Generator<[GuildState, VoiceStateRecord]> {
    for (const g of [...this.active.values()]) for (const rec of [...g.voiceStates.values()]) yield [g, rec];
  }

  put(g: GuildState, rec: VoiceStateRecord): void {
    g.voiceStates.set(rec.userId, rec);
    this.active.set(g.id, g);
    let guilds = this.userGuilds.get(rec.userId);
    if (!guilds) this.userGuilds.set(rec.userId, (guilds = new Set()));
    guilds.add(g.id);
  }

  /** Removes the user's state in the guild; true when the guild has none left. */
  remove(g: GuildState, userId: string): boolean {
    g.voiceStates.delete(userId);
    const guilds = this.userGuilds.get(userId);
    guilds?.delete(g.id);
    if (guilds?.size === 0) this.userGuilds.delete(userId);
    if (g.voiceStates.size > 0) return false;
    this.active.delete(g.id);
    return true;
  }
}
