// Premium on users: entitlements come from the billing port and are mirrored on the user records
// (UserRecord.premium, read by serialize and the perk checks); USER_UPDATE tells the user's
// sessions when one changes; an expired grant stops counting at once (entitlement.ts) and the
// periodic sweep then revokes it for good, which also ends the user's boosts. Also the instance
// administrators (INSTANCE_ADMINS, else the first registered user) and the profile banner perk.
import type { PremiumTypeValue } from '@concord/protocol';
import { LOCAL_CACHES, covers, reloadTargets, type CacheFollower } from '../../bus/CacheInvalidation.ts';
import type { PremiumStore } from '../../store/PremiumStore.ts';
import type { UserRecord } from '../../store/records.ts';
import { dispatch, type DomainContext } from '../DomainContext.ts';
import { DomainError } from '../DomainError.ts';
import { iso, selfUserToAPI, userToAPI } from '../serialize.ts';
import type { BillingProvider, Entitlement } from './BillingProvider.ts';
import type { BoostService } from './BoostService.ts';
import { effectivePremiumType, imageHash, perksOf } from './entitlement.ts';
import type { InstanceAudit } from './InstanceAudit.ts';

export interface PremiumServiceOptions {
  /** User ids or usernames from INSTANCE_ADMINS; empty: the first registered user is the admin. */
  instanceAdmins: readonly string[];
  /** How often expired grants are revoked (USER_UPDATE, boosts ended); 0 turns the timer off. */
  sweepIntervalMs: number;
  /** A failed sweep (storage error) is reported here and retried on the next tick. */
  onSweepError: (e: unknown) => void;
}

export interface APIPremiumUser {
  user: ReturnType<typeof userToAPI>;
  premium_type: number;
  expires_at: string | null;
  provider: string;
  granted_by: string | null;
  granted_at: string;
}

/**
 * GET /users/@me/premium: the signed-in user's own plan and when it ends. Not a Discord route
 * (Discord's client reads /users/@me/billing/subscriptions, a payment-provider shape with plans and
 * periods that a self-hosted grant does not have); the admin list's fields without the admin ones.
 */
export interface APIOwnPremium {
  /** As it counts now: 0 once a grant has expired, even before the sweep ends it. */
  premium_type: PremiumTypeValue;
  expires_at: string | null;
  /** The billing provider's name ('instance' for an admin's grant), null without premium. */
  provider: string | null;
  /** True when the provider renews it at expires_at; false when it ends then. */
  renews: boolean;
}

export class PremiumService {
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  /** The entitlements as the provider last reported them, by user id. */
  private readonly entitlements = new Map<string, Entitlement>();
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: PremiumStore,
    private readonly billing: BillingProvider,
    private readonly boosts: BoostService,
    private readonly audit: InstanceAudit,
    private readonly options: PremiumServiceOptions,
  ) {}

  /** Mirrors the stored entitlements and banners onto the user records; run once at start. */
  async load(): Promise<void> {
    for (const e of await this.billing.all()) {
      const user = this.ctx.state.users.get(e.userId);
      if (!user) continue;
      this.entitlements.set(e.userId, e);
      user.premium = { premium_type: e.premiumType, expires_at: e.expiresAt };
    }
    for (const b of await this.store.listUserBanners()) {
      const user = this.ctx.state.users.get(b.user_id);
      if (user) user.banner = b.banner;
    }
  }

  /**
   * On a cluster bus: entitlements and banners written on other nodes are re-read from the billing
   * port and the store (the user's USER_UPDATE came from the writer). Boost slots follow BoostService's own.
   */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('premium', async (userIds) => {
      const stored = new Map((await this.billing.all()).filter((e) => covers(userIds, e.userId)).map((e) => [e.userId, e]));
      for (const userId of reloadTargets(userIds, this.entitlements.keys(), stored.keys())) {
        const e = stored.get(userId);
        const user = this.ctx.state.users.get(userId);
        if (e && user) {
          this.entitlements.set(userId, e);
          user.premium = { premium_type: e.premiumType, expires_at: e.expiresAt };
        } else {
          this.entitlements.delete(userId);
          if (user) delete user.premium;
        }
      }
    });
    caches.onReload('banner', async (userIds) => {
      const stored = new Map((await this.store.listUserBanners()).filter((b) => covers(userIds, b.user_id)).map((b) => [b.user_id, b.banner]));
      const held = [...this.ctx.state.users.values()].filter((u) => u.banner).map((u) => u.id);
      for (const userId of reloadTargets(userIds, held, stored.keys())) {
        const user = this.ctx.state.users.get(userId);
        if (user) user.banner = stored.get(userId) ?? null;
      }
    });
  }

  start(): void {
    if (this.options.sweepIntervalMs <= 0 || this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((e: unknown) => this.options.onSweepError(e));
    }, this.options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  isInstanceAdmin(user: UserRecord): boolean {
    if (user.bot) return false;
    const named = this.options.instanceAdmins;
    if (named.length > 0) return named.some((n) => n === user.id || n.toLowerCase() === user.username.toLowerCase());
    let first: UserRecord | null = null;
    for (const u of this.ctx.state.users.values()) {
      if (u.bot) continue;
      if (!first || u.created_at < first.created_at || (u.created_at === first.created_at && BigInt(u.id) < BigInt(first.id))) first = u;
    }
    return first?.id === user.id;
  }

  /**
   * 403 50013 for everyone else: the admin routes are documented (this is open source), so hiding
   * them behind a 404 protects nothing, and a clear refusal lets a client hide its admin page.
   */
  requireInstanceAdmin(user: UserRecord): void {
    if (!this.isInstanceAdmin(user)) throw new DomainError('MissingPermissions');
  }

  listPremiumUsers(nowMs = Date.now()): APIPremiumUser[] {
    const out: APIPremiumUser[] = [];
    for (const e of this.entitlements.values()) {
      if (e.expiresAt !== null && e.expiresAt <= nowMs) continue;
      out.push({
        user: userToAPI(this.ctx.state.users.get(e.userId)),
        premium_type: e.premiumType,
        expires_at: e.expiresAt === null ? null : iso(e.expiresAt),
        provider: e.provider,
        granted_by: e.grantedBy,
        granted_at: iso(e.createdAt),
      });
    }
    return out.sort((a, b) => (a.user.id < b.user.id ? -1 : 1));
  }

  ownPremium(user: UserRecord, nowMs = Date.now()): APIOwnPremium {
    const premiumType = effectivePremiumType(user, nowMs);
    const e = this.entitlements.get(user.id);
    if (premiumType === 0 || !e) return { premium_type: 0, expires_at: null, provider: null, renews: false };
    return { premium_type: premiumType, expires_at: e.expiresAt === null ? null : iso(e.expiresAt), provider: e.provider, renews: e.expiresAt !== null && e.renews === true };
  }

  async grant(actor: UserRecord | null, userId: string, premiumType: Exclude<PremiumTypeValue, 0>, expiresAt: number | null): Promise<APIPremiumUser> {
    const user = this.ctx.state.users.get(userId);
    if (!user || user.bot) throw new DomainError('UnknownUser');
    if (expiresAt !== null && expiresAt <= Date.now()) throw DomainError.fieldError('expires_at', 'BASE_TYPE_BAD_DATE', 'Must be in the future.');
    const before = this.entitlementView(userId);
    const entitlement = await this.billing.grant({ userId, premiumType, expiresAt, actorId: actor?.id ?? null });
    await this.applyEntitlement(entitlement);
    await this.audit.record(actor?.id ?? null, 'premium.grant', userId, before, this.entitlementView(userId));
    return this.listPremiumUsers().find((p) => p.user.id === userId)!;
  }

  /**
   * Mirrors an entitlement onto the user: boost slots follow the included boosts of the new type
   * (losing slots ends their boosts), and the user's sessions get USER_UPDATE. A payment provider's
   * webhook handler would call this too.
   */
  async applyEntitlement(e: Entitlement): Promise<void> {
    // After the billing write: in the cache lane, so a reload begun before it cannot land after it.
    const user = await this.caches.write('premium', e.userId, () => Promise.resolve(this.mirror(e)));
    if (!user) return;
    await this.boosts.syncSlots(e.userId, perksOf(user).includedBoosts);
    this.announce(user);
  }

  private mirror(e: Entitlement): UserRecord | undefined {
    const user = this.ctx.state.users.get(e.userId);
    if (!user) return undefined;
    this.entitlements.set(e.userId, e);
    user.premium = { premium_type: e.premiumType, expires_at: e.expiresAt };
    return user;
  }

  /** Revokes (an admin) or expires (the sweep, actor null) a user's premium; their boosts end with it. */
  async revoke(actor: UserRecord | null, userId: string, action: 'premium.revoke' | 'premium.expire' = 'premium.revoke'): Promise<void> {
    const user = this.ctx.state.users.get(userId);
    if (!user) throw new DomainError('UnknownUser');
    const before = this.entitlementView(userId);
    await this.billing.revoke(userId);
    await this.endEntitlement(userId);
    if (before !== null) await this.audit.record(actor?.id ?? null, action, userId, before, null);
  }

  async endEntitlement(userId: string): Promise<void> {
    const user = this.ctx.state.users.get(userId);
    const had = await this.caches.write('premium', userId, () => {
      this.entitlements.delete(userId);
      const held = user?.premium !== undefined;
      if (user) delete user.premium;
      return Promise.resolve(held);
    });
    if (!user) return;
    await this.boosts.syncSlots(userId, 0);
    if (had) this.announce(user);
  }

  /** Revokes every grant past its expiry; the number revoked. */
  async sweep(nowMs = Date.now()): Promise<number> {
    // Every node holds every entitlement: one of them (the leader) ends the expired ones, so a
    // grant ends with one USER_UPDATE and one audit entry, not one per node.
    if (this.ctx.cluster && !this.ctx.cluster.isLeader()) return 0;
    const expired = [...this.entitlements.values()].filter((e) => e.expiresAt !== null && e.expiresAt <= nowMs);
    for (const e of expired) await this.revoke(null, e.userId, 'premium.expire');
    return expired.length;
  }

  /** Sets or clears the profile banner (checked by the caller against the perk); the record is updated in place. */
  async setBanner(user: UserRecord, dataUri: string | null): Promise<void> {
    const banner = dataUri === null ? null : imageHash(dataUri);
    await this.caches.write('banner', user.id, async () => {
      await this.store.setUserBanner(user.id, banner);
      user.banner = banner;
    });
  }

  private entitlementView(userId: string): { premium_type: number; expires_at: string | null } | null {
    const e = this.entitlements.get(userId);
    return e ? { premium_type: e.premiumType, expires_at: e.expiresAt === null ? null : iso(e.expiresAt) } : null;
  }

  private announce(user: UserRecord): void {
    dispatch(this.ctx, `u:${user.id}`, 'USER_UPDATE', selfUserToAPI(user));
  }

  /** premium_type as it counts now (0 once expired, before the sweep). */
  premiumTypeOf(user: UserRecord): PremiumTypeValue {
    return effectivePremiumType(user);
  }
}
