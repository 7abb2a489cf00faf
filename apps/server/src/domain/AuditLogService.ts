// The guild audit log: who changed what, when, and why (X-Audit-Log-Reason). Entries are appended
// by the audited REST routes (http/auditedRoutes.ts) and by the bot-platform services; members with
// VIEW_AUDIT_LOG read them and receive GUILD_AUDIT_LOG_ENTRY_CREATE.
import { PermissionFlags, type APIAuditLogEntry } from '@concord/protocol';
import type { Logger } from 'pino';
import type { AuditLogEntryRecord } from '../store/botRecords.ts';
import type { ModerationStore } from '../store/ModerationStore.ts';
import type { UserRecord } from '../store/records.ts';
import { dispatch, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { membersWithPermission } from './permissionHolders.ts';
import { userToAPI } from './serialize.ts';

export interface AuditEntryInput {
  guildId: string;
  userId: string | null;
  targetId: string | null;
  actionType: number;
  changes?: AuditLogEntryRecord['changes'];
  options?: Record<string, string> | null;
  reason?: string | null;
}

const MAX_REASON_LENGTH = 512;

export function auditEntryToAPI(e: AuditLogEntryRecord): APIAuditLogEntry {
  const out: APIAuditLogEntry = { id: e.id, guild_id: e.guild_id, target_id: e.target_id, user_id: e.user_id, action_type: e.action_type };
  if (e.changes.length > 0) out.changes = e.changes;
  if (e.options) out.options = e.options;
  if (e.reason) out.reason = e.reason;
  return out;
}

/** The changed keys between two snapshots, as Discord lists them ({key, old_value, new_value}). */
export function diffChanges<T extends object>(before: T | null, after: T | null, keys: readonly (keyof T & string)[]): AuditLogEntryRecord['changes'] {
  const out: AuditLogEntryRecord['changes'] = [];
  for (const key of keys) {
    const oldValue = before ? normalize(before[key]) : undefined;
    const newValue = after ? normalize(after[key]) : undefined;
    if (JSON.stringify(oldValue) === JSON.stringify(newValue)) continue;
    const change: AuditLogEntryRecord['changes'][number] = { key };
    if (oldValue !== undefined && oldValue !== null) change.old_value = oldValue;
    if (newValue !== undefined && newValue !== null) change.new_value = newValue;
    out.push(change);
  }
  return out;
}

function normalize(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

export class AuditLogService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly store: ModerationStore,
    private readonly log: Logger,
  ) {}

  async record(input: AuditEntryInput): Promise<AuditLogEntryRecord> {
    const entry: AuditLogEntryRecord = {
      id: this.ctx.ids.next(),
      guild_id: input.guildId,
      user_id: input.userId,
      target_id: input.targetId,
      action_type: input.actionType,
      changes: input.changes ?? [],
      options: input.options ?? null,
      reason: input.reason ? input.reason.slice(0, MAX_REASON_LENGTH) : null,
    };
    await this.store.insertAuditLogEntry(entry);
    this.announce(entry);
    return entry;
  }

  /** Records without making the caller wait or fail: the action already happened. Failures are logged. */
  recordInBackground(input: AuditEntryInput): void {
    this.record(input).catch((e: unknown) => this.log.error({ err: e, guildId: input.guildId, actionType: input.actionType }, 'audit log entry could not be stored'));
  }

  /** GUILD_AUDIT_LOG_ENTRY_CREATE goes only to members who may view the audit log. */
  private announce(entry: AuditLogEntryRecord): void {
    const g = this.ctx.state.guilds.get(entry.guild_id);
    if (!g) return;
    const payload = { ...auditEntryToAPI(entry), guild_id: entry.guild_id };
    for (const userId of membersWithPermission(g, PermissionFlags.VIEW_AUDIT_LOG)) dispatch(this.ctx, `u:${userId}`, 'GUILD_AUDIT_LOG_ENTRY_CREATE', payload);
  }

  async list(actor: UserRecord, guildId: string, q: { limit: number; user_id?: string | undefined; action_type?: number | undefined; before?: string | undefined; after?: string | undefined }) {
    requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.VIEW_AUDIT_LOG);
    const entries = await this.store.listAuditLogEntries({ guildId, limit: q.limit, userId: q.user_id, actionType: q.action_type, before: q.before, after: q.after });
    const userIds = new Set<string>();
    for (const e of entries) {
      if (e.user_id) userIds.add(e.user_id);
      if (e.target_id && this.ctx.state.users.has(e.target_id)) userIds.add(e.target_id);
    }
    return {
      audit_log_entries: entries.map(auditEntryToAPI),
      users: [...userIds].map((id) => userToAPI(this.ctx.state.users.get(id))),
      webhooks: [],
      integrations: [],
      threads: [],
      application_commands: [],
      auto_moderation_rules: [],
      guild_scheduled_events: [],
    };
  }
}
