// Port for the audit log (append-only, read newest first) and auto moderation rules.
import type { AuditLogEntryRecord, AutoModRuleRecord } from './botRecords.ts';

export interface AuditLogQuery {
  guildId: string;
  limit: number;
  userId?: string | undefined;
  actionType?: number | undefined;
  before?: string | undefined;
  after?: string | undefined;
}

export interface ModerationStore {
  insertAuditLogEntry(entry: AuditLogEntryRecord): Promise<void>;
  /** Newest first (oldest first when `after` is given, as Discord pages). */
  listAuditLogEntries(query: AuditLogQuery): Promise<AuditLogEntryRecord[]>;

  listAutoModRules(): Promise<AutoModRuleRecord[]>;
  upsertAutoModRule(rule: AutoModRuleRecord): Promise<void>;
  deleteAutoModRule(ruleId: string): Promise<void>;
}
