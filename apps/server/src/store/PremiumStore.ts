// The premium port: entitlements granted through the billing port, boost slots and boosts, the
// instance administrators' audit trail, and the two premium profile/guild fields that live in the
// users and guilds tables (banner, vanity code) but are written only through here.

export interface PremiumGrantRecord {
  user_id: string;
  /** 1-3 as Discord numbers premium_type (a grant of 0 is a revoke: the row is deleted). */
  premium_type: number;
  /** Which BillingProvider made it ('instance' for the built-in one). */
  provider: string;
  granted_by: string | null;
  expires_at: number | null;
  created_at: number;
}

/** One boost slot of a user: `guild_id` null while unused; `ended_at` set once the slot is gone (premium lost). */
export interface BoostRecord {
  id: string;
  user_id: string;
  guild_id: string | null;
  created_at: number;
  ended_at: number | null;
  /** When the slot was applied to its current guild (the member's premium_since). */
  guild_since: number | null;
}

export interface InstanceAuditRecord {
  id: string;
  actor_id: string | null;
  /** e.g. 'premium.grant', 'premium.revoke', 'premium.expire', 'boost.add', 'boost.remove'. */
  action: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  created_at: number;
}

export interface AuditQuery {
  limit: number;
  /** Entries with an id below this one (snowflakes: older). */
  before?: string | undefined;
}

export interface PremiumStore {
  listGrants(): Promise<PremiumGrantRecord[]>;
  putGrant(grant: PremiumGrantRecord): Promise<void>;
  /** False when the user had no grant. */
  deleteGrant(userId: string): Promise<boolean>;

  /** Slots that have not ended, used or not. */
  listLiveBoosts(): Promise<BoostRecord[]>;
  insertBoost(boost: BoostRecord): Promise<void>;
  /** Applies a live slot to a guild (or frees it with null). False when the slot is unknown or ended. */
  assignBoost(id: string, guildId: string | null, atMs: number): Promise<boolean>;
  /** Ends every live slot of a user; returns the slots as they were. */
  endBoostsOfUser(userId: string, atMs: number): Promise<BoostRecord[]>;

  appendAudit(entry: InstanceAuditRecord): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<InstanceAuditRecord[]>;

  setUserBanner(userId: string, banner: string | null): Promise<void>;
  listUserBanners(): Promise<{ user_id: string; banner: string }[]>;
  /** False when another guild holds the code. */
  setVanityCode(guildId: string, code: string | null): Promise<boolean>;
  listVanityCodes(): Promise<{ guild_id: string; code: string }[]>;
}
