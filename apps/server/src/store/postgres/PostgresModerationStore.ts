// ModerationStore on PostgreSQL: audit log entries keyed by snowflake as BIGINT (paging is numeric,
// BIGINT comes back as the same decimal string) and auto moderation rules as JSONB.
import type { AuditLogEntryRecord, AutoModRuleRecord } from '../botRecords.ts';
import type { AuditLogQuery, ModerationStore } from '../ModerationStore.ts';
import type { PgRow, PostgresDatabase } from './PostgresDatabase.ts';
import { int, json, text, textOrNull } from './pgRow.ts';

function entryFromRow(r: PgRow): AuditLogEntryRecord {
  // changes and options hold what insertAuditLogEntry wrote.
  return {
    id: text(r, 'id'),
    guild_id: text(r, 'guild_id'),
    user_id: textOrNull(r, 'user_id'),
    target_id: textOrNull(r, 'target_id'),
    action_type: int(r, 'action_type'),
    changes: json(r, 'changes') as AuditLogEntryRecord['changes'],
    options: json(r, 'options') as Record<string, string> | null,
    reason: textOrNull(r, 'reason'),
  };
}

export class PostgresModerationStore implements ModerationStore {
  constructor(private readonly db: PostgresDatabase) {}

  async insertAuditLogEntry(e: AuditLogEntryRecord): Promise<void> {
    await this.db.execute('INSERT INTO audit_log (id, guild_id, user_id, target_id, action_type, changes, options, reason) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)', [
      e.id,
      e.guild_id,
      e.user_id,
      e.target_id,
      e.action_type,
      JSON.stringify(e.changes),
      e.options ? JSON.stringify(e.options) : null,
      e.reason,
    ]);
  }

  async listAuditLogEntries(q: AuditLogQuery): Promise<AuditLogEntryRecord[]> {
    const params: unknown[] = [q.guildId];
    const where = ['guild_id = $1'];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (q.userId !== undefined) add('user_id = ?', q.userId);
    if (q.actionType !== undefined) add('action_type = ?', q.actionType);
    if (q.before !== undefined) add('id < ?::bigint', q.before);
    if (q.after !== undefined) add('id > ?::bigint', q.after);
    const order = q.after !== undefined && q.before === undefined ? 'ASC' : 'DESC';
    params.push(q.limit);
    const rows = await this.db.query(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id ${order} LIMIT $${params.length}`, params);
    return rows.map(entryFromRow);
  }

  async listAutoModRules(): Promise<AutoModRuleRecord[]> {
    return (await this.db.query('SELECT data FROM automod_rules ORDER BY id COLLATE "C"')).map((r) => json(r, 'data') as AutoModRuleRecord);
  }

  async upsertAutoModRule(rule: AutoModRuleRecord): Promise<void> {
    await this.db.execute('INSERT INTO automod_rules (id, guild_id, data) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO UPDATE SET data = excluded.data', [
      rule.id,
      rule.guild_id,
      JSON.stringify(rule),
    ]);
  }

  async deleteAutoModRule(ruleId: string): Promise<void> {
    await this.db.execute('DELETE FROM automod_rules WHERE id = $1', [ruleId]);
  }
}
