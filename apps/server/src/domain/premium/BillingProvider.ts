// The billing port: who has premium, of which type, until when. The built-in InstanceBillingProvider
// is a self-hoster's (an instance admin grants and revokes); a payment provider implements the same
// interface over its subscriptions. Receiving its webhooks (renewals, chargebacks) is out of scope
// here: such an adapter would call PremiumService.applyEntitlement / endEntitlement when one arrives.
import type { PremiumTypeValue } from '@concord/protocol';

export interface Entitlement {
  userId: string;
  premiumType: Exclude<PremiumTypeValue, 0>;
  /** Epoch ms after which the entitlement no longer counts; null: until revoked. */
  expiresAt: number | null;
  /** The provider's name ('instance' for the built-in one). */
  provider: string;
  /** Who granted it (an instance admin), null for a provider's own grants. */
  grantedBy: string | null;
  createdAt: number;
  /**
   * A payment provider's subscription that renews itself at `expiresAt` (the user sees "Renews on");
   * absent or false: it ends then ("Ends on"). The instance provider's grants never renew.
   */
  renews?: boolean;
}

export interface GrantRequest {
  userId: string;
  premiumType: Exclude<PremiumTypeValue, 0>;
  expiresAt: number | null;
  actorId: string | null;
}

export interface BillingProvider {
  readonly name: string;
  /** Grants (or replaces) the user's entitlement. */
  grant(request: GrantRequest): Promise<Entitlement>;
  /** Ends it; the entitlement it had, null when it had none. */
  revoke(userId: string): Promise<Entitlement | null>;
  /** The entitlement in force at `nowMs` (an expired one is null). */
  current(userId: string, nowMs: number): Promise<Entitlement | null>;
  /** Every entitlement the provider holds, expired ones included (the sweep ends those). */
  all(): Promise<Entitlement[]>;
}
