// The built-in billing provider for self-hosters: no payments, an instance admin grants premium_type
// 1-3 with an optional expiry and revokes it. Entitlements are premium_grants rows in the PremiumStore.
import type { PremiumStore, PremiumGrantRecord } from '../../store/PremiumStore.ts';
import type { BillingProvider, Entitlement, GrantRequest } from './BillingProvider.ts';

function toEntitlement(g: PremiumGrantRecord): Entitlement | null {
  if (g.premium_type !== 1 && g.premium_type !== 2 && g.premium_type !== 3) return null;
  return { userId: g.user_id, premiumType: g.premium_type, expiresAt: g.expires_at, provider: g.provider, grantedBy: g.granted_by, createdAt: g.created_at };
}

export class InstanceBillingProvider implements BillingProvider {
  readonly name = 'instance';

  constructor(
    private readonly store: PremiumStore,
    private readonly now: () => number = Date.now,
  ) {}

  async grant(request: GrantRequest): Promise<Entitlement> {
    const record: PremiumGrantRecord = {
      user_id: request.userId,
      premium_type: request.premiumType,
      provider: this.name,
      granted_by: request.actorId,
      expires_at: request.expiresAt,
      created_at: this.now(),
    };
    await this.store.putGrant(record);
    return { userId: record.user_id, premiumType: request.premiumType, expiresAt: record.expires_at, provider: this.name, grantedBy: record.granted_by, createdAt: record.created_at };
  }

  async revoke(userId: string): Promise<Entitlement | null> {
    const before = (await this.store.listGrants()).find((g) => g.user_id === userId);
    await this.store.deleteGrant(userId);
    return before ? toEntitlement(before) : null;
  }

  async current(userId: string, nowMs: number): Promise<Entitlement | null> {
    const g = (await this.store.listGrants()).find((x) => x.user_id === userId);
    if (!g || (g.expires_at !== null && g.expires_at <= nowMs)) return null;
    return toEntitlement(g);
  }

  async all(): Promise<Entitlement[]> {
    return (await this.store.listGrants()).map(toEntitlement).filter((e): e is Entitlement => e !== null);
  }
}
