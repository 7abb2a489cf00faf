// ModerationStore on SQLite: audit log entries keyed by snowflake (INTEGER, so paging is numeric)
// and auto moderation rules as JSON.
import type { AuditLogEntryRecord, AutoModRuleRecord } from '../botRecords.ts';
import type { AuditLogQuery, ModerationStore } from '../ModerationStore.ts';
import type { SqliteDb } from './SqliteDatabase.ts';
import { strOrNull, type Row } from './sqliteRow.ts';


function entryFromRow(r: Row): AuditLogEntryRecord {
  return {
    id: String(r['id']),
    guild_id: String(r['guild_id']),
    user_id: strOrNull(r['user_id']),
    target_id: strOrNull(r['target_id']),
    action_type: Number(r['action_type']),
    changes: JSON.parse(String(r['changes'])) as AuditLogEntryRecord['changes'],
    options: r['options'] === null ? null : (JSON.parse(String(r['options'])) as Record<string, string>),
    reason: strOrNull(r['reason']),
  };
}

export class SqliteModerationStore implements ModerationStore {
  private readonly stmt;

  constructor(private readonly db: SqliteDb) {
    this.stmt = {
      insertEntry: db.prepare(
        'INSERT INTO audit_log (id, guild_id, user_id, target_id, action_type, changes, options, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      listRules: db.prepare('SELECT data FROM automod_rules'),
      upsertRule: db.prepare('INSERT INTO automod_rules (id, guild_id, data) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data'),
      deleteRule: db.prepare('DELETE FROM automod_rules WHERE id = ?'),
    };
  }

  async insertAuditLogEntry(e: AuditLogEntryRecord): Promise<void> {
    this.stmt.insertEntry.run(BigInt(e.id), e.guild_id, e.user_id, e.target_id, e.action_type, JSON.stringify(e.changes), e.options ? JSON.stringify(e.options) : null, e.reason);
  }

  async listAuditLogEntries(q: AuditLogQuery): Promise<AuditLogEntryRecord[]> {
    const where = ['guild_id = ?'];
    const params: unknown[] = [q.guildId];
    if (q.userId !== undefined) {
      where.push('user_id = ?');
      params.push(q.userId);
    }
    if (q.actionType !== undefined) {
      where.push('action_type = ?');
      params.push(q.actionType);
    }
    if (q.before !== undefined) {
      where.push('id < ?');
      params.push(BigInt(q.before));
    }
    if (q.after !== undefined) {
      where.push('id > ?');
      params.push(BigInt(q.after));
    }
    const order = q.after !== undefined && q.before === undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id ${order} LIMIT ?`;
    params.push(q.limit);
    const rows = this.db.prepare(sql).safeIntegers(true).all(...params) as Row[];
    return rows.map(entryFromRow);
  }

  async listAutoModRules(): Promise<AutoModRuleRecord[]> {
    return (this.stmt.listRules.all() as Row[]).map((r) => JSON.parse(String(r['data'])) as AutoModRuleRecord);
  }

  async upsertAutoModRule(rule: AutoModRuleRecord): Promise<void> {
    this.stmt.upsertRule.run(rule.id, rule.guild_id, JSON.stringify(rule));
  }

  async deleteAutoModRule(ruleId: string): Promise<void> {
    this.stmt.deleteRule.run(ruleId);
  }
}
