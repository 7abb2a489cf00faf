// The instance administrators' audit trail (not a guild's audit log): every premium and boost
// change with who made it, on whom, and the value before and after.
import type { SnowflakeGenerator } from '@concord/protocol';
import type { AuditQuery, InstanceAuditRecord, PremiumStore } from '../../store/PremiumStore.ts';

export type InstanceAuditAction = 'premium.grant' | 'premium.revoke' | 'premium.expire' | 'boost.add' | 'boost.remove' | 'boost.end' | 'vanity.update';

export interface APIInstanceAuditEntry {
  id: string;
  actor_id: string | null;
  action: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  created_at: string;
}

export class InstanceAudit {
  constructor(
    private readonly store: PremiumStore,
    private readonly ids: SnowflakeGenerator,
  ) {}

  async record(actorId: string | null, action: InstanceAuditAction, targetId: string | null, before: unknown, after: unknown): Promise<void> {
    const entry: InstanceAuditRecord = { id: this.ids.next(), actor_id: actorId, action, target_id: targetId, before, after, created_at: Date.now() };
    await this.store.appendAudit(entry);
  }

  async list(query: AuditQuery): Promise<APIInstanceAuditEntry[]> {
    return (await this.store.listAudit(query)).map((e) => ({ ...e, created_at: new Date(e.created_at).toISOString() }));
  }
}
