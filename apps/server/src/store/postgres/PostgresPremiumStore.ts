// PremiumStore on PostgreSQL: premium_grants, guild_boosts, instance_audit (id BIGINT: pages in
// numeric order), and the users.banner / guilds.vanity_url_code columns that only this store writes.
import pg from 'pg';
import type { AuditQuery, BoostRecord, InstanceAuditRecord, PremiumGrantRecord, PremiumStore } from '../PremiumStore.ts';
import type { PgRow, PostgresDatabase } from './PostgresDatabase.ts';
import { int, intOrNull, json, text, textOrNull } from './pgRow.ts';

function boostFromRow(r: PgRow): BoostRecord {
  return { id: text(r, 'id'), user_id: text(r, 'user_id'), guild_id: textOrNull(r, 'guild_id'), created_at: int(r, 'created_at'), ended_at: intOrNull(r, 'ended_at'), guild_since: intOrNull(r, 'guild_since') };
}

function grantFromRow(r: PgRow): PremiumGrantRecord {
  return {
    user_id: text(r, 'user_id'),
    premium_type: int(r, 'premium_type'),
    provider: text(r, 'provider'),
    granted_by: textOrNull(r, 'granted_by'),
    expires_at: intOrNull(r, 'expires_at'),
    created_at: int(r, 'created_at'),
  };
}

function auditFromRow(r: PgRow): InstanceAuditRecord {
  const data = json(r, 'data');
  const field = (key: 'before' | 'after'): unknown => (typeof data === 'object' && data !== null ? (Reflect.get(data, key) ?? null) : null);
  return { id: text(r, 'id'), actor_id: textOrNull(r, 'actor_id'), action: text(r, 'action'), target_id: textOrNull(r, 'target_id'), before: field('before'), after: field('after'), created_at: int(r, 'created_at') };
}

/** The unique index that makes a vanity code one guild's, whatever its case (postgresMigrations.ts). */
const VANITY_INDEX = 'guilds_by_vanity';

export class PostgresPremiumStore implements PremiumStore {
  constructor(private readonly db: PostgresDatabase) {}

  async listGrants(): Promise<PremiumGrantRecord[]> {
    return (await this.db.query('SELECT * FROM premium_grants ORDER BY user_id COLLATE "C"')).map(grantFromRow);
  }

  async putGrant(g: PremiumGrantRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO premium_grants (user_id, premium_type, provider, granted_by, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET premium_type = excluded.premium_type, provider = excluded.provider,
         granted_by = excluded.granted_by, expires_at = excluded.expires_at, created_at = excluded.created_at`,
      [g.user_id, g.premium_type, g.provider, g.granted_by, g.expires_at, g.created_at],
    );
  }

  async deleteGrant(userId: string): Promise<boolean> {
    return (await this.db.execute('DELETE FROM premium_grants WHERE user_id = $1', [userId])) > 0;
  }

  async listLiveBoosts(): Promise<BoostRecord[]> {
    return (await this.db.query('SELECT * FROM guild_boosts WHERE ended_at IS NULL ORDER BY id COLLATE "C"')).map(boostFromRow);
  }

  async insertBoost(b: BoostRecord): Promise<void> {
    await this.db.execute('INSERT INTO guild_boosts (id, user_id, guild_id, created_at, ended_at, guild_since) VALUES ($1, $2, $3, $4, $5, $6)', [
      b.id,
      b.user_id,
      b.guild_id,
      b.created_at,
      b.ended_at,
      b.guild_since,
    ]);
  }

  async assignBoost(id: string, guildId: string | null, atMs: number): Promise<boolean> {
    return (await this.db.execute('UPDATE guild_boosts SET guild_id = $1, guild_since = $2 WHERE id = $3 AND ended_at IS NULL', [guildId, guildId === null ? null : atMs, id])) > 0;
  }

  async endBoostsOfUser(userId: string, atMs: number): Promise<BoostRecord[]> {
    // One statement: the rows it ended are the ones it returns, live (ended_at null) until this write.
    const rows = await this.db.query(
      'WITH ended AS (UPDATE guild_boosts SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL RETURNING *) SELECT * FROM ended ORDER BY id COLLATE "C"',
      [atMs, userId],
    );
    return rows.map((r) => ({ ...boostFromRow(r), ended_at: null }));
  }

  async appendAudit(e: InstanceAuditRecord): Promise<void> {
    await this.db.execute('INSERT INTO instance_audit (id, actor_id, action, target_id, data, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)', [
      e.id,
      e.actor_id,
      e.action,
      e.target_id,
      JSON.stringify({ before: e.before ?? null, after: e.after ?? null }),
      e.created_at,
    ]);
  }

  async listAudit(query: AuditQuery): Promise<InstanceAuditRecord[]> {
    const rows =
      query.before === undefined
        ? await this.db.query('SELECT * FROM instance_audit ORDER BY id DESC LIMIT $1', [query.limit])
        : await this.db.query('SELECT * FROM instance_audit WHERE id < $1::bigint ORDER BY id DESC LIMIT $2', [query.before, query.limit]);
    return rows.map(auditFromRow);
  }

  async setUserBanner(userId: string, banner: string | null): Promise<void> {
    await this.db.execute('UPDATE users SET banner = $1 WHERE id = $2', [banner, userId]);
  }

  async listUserBanners(): Promise<{ user_id: string; banner: string }[]> {
    return (await this.db.query('SELECT id, banner FROM users WHERE banner IS NOT NULL ORDER BY id COLLATE "C"')).map((r) => ({ user_id: text(r, 'id'), banner: text(r, 'banner') }));
  }

  async setVanityCode(guildId: string, code: string | null): Promise<boolean> {
    // One UPDATE; the unique index refuses a code another guild holds, also when two nodes race for it.
    try {
      await this.db.execute('UPDATE guilds SET vanity_url_code = $1 WHERE id = $2', [code, guildId]);
      return true;
    } catch (e) {
      if (e instanceof pg.DatabaseError && e.code === '23505' && e.constraint === VANITY_INDEX) return false;
      throw e;
    }
  }

  async listVanityCodes(): Promise<{ guild_id: string; code: string }[]> {
    return (await this.db.query('SELECT id, vanity_url_code FROM guilds WHERE vanity_url_code IS NOT NULL ORDER BY id COLLATE "C"')).map((r) => ({ guild_id: text(r, 'id'), code: text(r, 'vanity_url_code') }));
  }
}
