// PremiumStore on the one SQLite file: premium_grants, guild_boosts, instance_audit, and the
// users.banner / guilds.vanity_url_code columns (the metadata store leaves those two alone).
import type { AuditQuery, BoostRecord, InstanceAuditRecord, PremiumGrantRecord, PremiumStore } from '../PremiumStore.ts';
import type { SqliteDb } from './SqliteDatabase.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function boostFromRow(r: Row): BoostRecord {
  return { id: str(r['id']), user_id: str(r['user_id']), guild_id: strOrNull(r['guild_id']), created_at: Number(r['created_at']), ended_at: numOrNull(r['ended_at']), guild_since: numOrNull(r['guild_since']) };
}

function parseJson(text: unknown): { before?: unknown; after?: unknown } {
  try {
    const v: unknown = JSON.parse(String(text));
    return typeof v === 'object' && v !== null ? v : {};
  } catch {
    // A row this adapter wrote is always JSON; anything else reads as an entry without data.
    return {};
  }
}

export class SqlitePremiumStore implements PremiumStore {
  private readonly q;

  constructor(private readonly db: SqliteDb) {
    this.q = {
      listGrants: db.prepare('SELECT * FROM premium_grants ORDER BY user_id'),
      putGrant: db.prepare(
        `INSERT INTO premium_grants (user_id, premium_type, provider, granted_by, expires_at, created_at)
         VALUES (@user_id, @premium_type, @provider, @granted_by, @expires_at, @created_at)
         ON CONFLICT(user_id) DO UPDATE SET premium_type=excluded.premium_type, provider=excluded.provider,
           granted_by=excluded.granted_by, expires_at=excluded.expires_at, created_at=excluded.created_at`,
      ),
      deleteGrant: db.prepare('DELETE FROM premium_grants WHERE user_id = ?'),
      liveBoosts: db.prepare('SELECT * FROM guild_boosts WHERE ended_at IS NULL ORDER BY id'),
      insertBoost: db.prepare('INSERT INTO guild_boosts (id, user_id, guild_id, created_at, ended_at, guild_since) VALUES (@id, @user_id, @guild_id, @created_at, @ended_at, @guild_since)'),
      assignBoost: db.prepare('UPDATE guild_boosts SET guild_id = ?, guild_since = ? WHERE id = ? AND ended_at IS NULL'),
      liveBoostsOfUser: db.prepare('SELECT * FROM guild_boosts WHERE user_id = ? AND ended_at IS NULL ORDER BY id'),
      endBoostsOfUser: db.prepare('UPDATE guild_boosts SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL'),
      appendAudit: db.prepare('INSERT INTO instance_audit (id, actor_id, action, target_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      auditNewest: db.prepare('SELECT * FROM instance_audit ORDER BY CAST(id AS INTEGER) DESC LIMIT ?'),
      auditBefore: db.prepare('SELECT * FROM instance_audit WHERE CAST(id AS INTEGER) < CAST(? AS INTEGER) ORDER BY CAST(id AS INTEGER) DESC LIMIT ?'),
      setBanner: db.prepare('UPDATE users SET banner = ? WHERE id = ?'),
      banners: db.prepare('SELECT id, banner FROM users WHERE banner IS NOT NULL'),
      vanityHolder: db.prepare('SELECT id FROM guilds WHERE vanity_url_code = ? COLLATE NOCASE'),
      setVanity: db.prepare('UPDATE guilds SET vanity_url_code = ? WHERE id = ?'),
      vanities: db.prepare('SELECT id, vanity_url_code FROM guilds WHERE vanity_url_code IS NOT NULL'),
    };
  }

  listGrants(): Promise<PremiumGrantRecord[]> {
    return Promise.resolve(
      (this.q.listGrants.all() as Row[]).map((r) => ({
        user_id: str(r['user_id']),
        premium_type: Number(r['premium_type']),
        provider: str(r['provider']),
        granted_by: strOrNull(r['granted_by']),
        expires_at: numOrNull(r['expires_at']),
        created_at: Number(r['created_at']),
      })),
    );
  }

  putGrant(grant: PremiumGrantRecord): Promise<void> {
    this.q.putGrant.run(grant);
    return Promise.resolve();
  }

  deleteGrant(userId: string): Promise<boolean> {
    return Promise.resolve(this.q.deleteGrant.run(userId).changes > 0);
  }

  listLiveBoosts(): Promise<BoostRecord[]> {
    return Promise.resolve((this.q.liveBoosts.all() as Row[]).map(boostFromRow));
  }

  insertBoost(boost: BoostRecord): Promise<void> {
    this.q.insertBoost.run(boost);
    return Promise.resolve();
  }

  assignBoost(id: string, guildId: string | null, atMs: number): Promise<boolean> {
    return Promise.resolve(this.q.assignBoost.run(guildId, guildId === null ? null : atMs, id).changes > 0);
  }

  endBoostsOfUser(userId: string, atMs: number): Promise<BoostRecord[]> {
    const ended = this.db.transaction(() => {
      const live = (this.q.liveBoostsOfUser.all(userId) as Row[]).map(boostFromRow);
      this.q.endBoostsOfUser.run(atMs, userId);
      return live;
    })();
    return Promise.resolve(ended);
  }

  appendAudit(e: InstanceAuditRecord): Promise<void> {
    this.q.appendAudit.run(e.id, e.actor_id, e.action, e.target_id, JSON.stringify({ before: e.before ?? null, after: e.after ?? null }), e.created_at);
    return Promise.resolve();
  }

  listAudit(query: AuditQuery): Promise<InstanceAuditRecord[]> {
    const rows = (query.before === undefined ? this.q.auditNewest.all(query.limit) : this.q.auditBefore.all(query.before, query.limit)) as Row[];
    return Promise.resolve(
      rows.map((r) => {
        const data = parseJson(r['data']);
        return { id: str(r['id']), actor_id: strOrNull(r['actor_id']), action: str(r['action']), target_id: strOrNull(r['target_id']), before: data.before ?? null, after: data.after ?? null, created_at: Number(r['created_at']) };
      }),
    );
  }

  setUserBanner(userId: string, banner: string | null): Promise<void> {
    this.q.setBanner.run(banner, userId);
    return Promise.resolve();
  }

  listUserBanners(): Promise<{ user_id: string; banner: string }[]> {
    return Promise.resolve((this.q.banners.all() as Row[]).map((r) => ({ user_id: str(r['id']), banner: str(r['banner']) })));
  }

  setVanityCode(guildId: string, code: string | null): Promise<boolean> {
    const ok = this.db.transaction(() => {
      if (code !== null) {
        const holder = this.q.vanityHolder.get(code) as Row | undefined;
        if (holder && str(holder['id']) !== guildId) return false;
      }
      this.q.setVanity.run(code, guildId);
      return true;
    })();
    return Promise.resolve(ok);
  }

  listVanityCodes(): Promise<{ guild_id: string; code: string }[]> {
    return Promise.resolve((this.q.vanities.all() as Row[]).map((r) => ({ guild_id: str(r['id']), code: str(r['vanity_url_code']) })));
  }
}
