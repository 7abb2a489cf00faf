// REST calls for boosts, Nitro and instance administration, each answer parsed with a schema
// (the server is outside the renderer's trust boundary). Boost paths are Discord's; the admin
// paths are this server's plain `/admin/...` routes.
import { z } from 'zod';
import { getSession } from '../session/currentSession.ts';

const Snowflake = z.string().regex(/^\d{1,20}$/);
const UserSchema = z.object({ id: Snowflake, username: z.string(), global_name: z.string().nullable().optional() }).passthrough();

export const SubscriptionSchema = z.object({
  id: Snowflake,
  user_id: Snowflake,
  guild_id: Snowflake,
  ended: z.boolean().optional().default(false),
  user: UserSchema.optional(),
});
export type PremiumGuildSubscription = z.output<typeof SubscriptionSchema>;

export const SlotSchema = z.object({
  id: Snowflake,
  premium_guild_subscription: SubscriptionSchema.nullable().optional().default(null),
  canceled: z.boolean().optional().default(false),
  cooldown_ends_at: z.string().nullable().optional().default(null),
});
export type BoostSlot = z.output<typeof SlotSchema>;

export const PremiumUserSchema = z.object({
  user: UserSchema,
  premium_type: z.number().int().min(0).max(3),
  expires_at: z.string().nullable(),
  provider: z.string(),
  granted_by: Snowflake.nullable().optional().default(null),
  granted_at: z.string().optional(),
});
export type PremiumUser = z.output<typeof PremiumUserSchema>;

export const AuditEntrySchema = z.object({
  id: Snowflake,
  actor_id: Snowflake.nullable(),
  action: z.string(),
  target_id: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  created_at: z.string(),
});
export type InstanceAuditEntry = z.output<typeof AuditEntrySchema>;

/** A list answer: entries that fail their schema are dropped (and logged), the rest shown. */
function parseList<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, raw: unknown, what: string): T[] {
  if (!Array.isArray(raw)) throw new Error(`unexpected ${what} answer from the server`);
  const out: T[] = [];
  for (const entry of raw) {
    const r = schema.safeParse(entry);
    if (r.success) out.push(r.data);
    else console.warn(`dropped malformed ${what}`, entry);
  }
  return out;
}

const rest = () => getSession().api.rest;

export async function listBoostSlots(): Promise<BoostSlot[]> {
  return parseList(SlotSchema, await rest().get<unknown>('/users/@me/guilds/premium/subscription-slots'), 'boost slot');
}

export async function boostGuild(guildId: string, slotIds: string[]): Promise<PremiumGuildSubscription[]> {
  return parseList(SubscriptionSchema, await rest().put<unknown>(`/guilds/${guildId}/premium/subscriptions`, { user_premium_guild_subscription_slot_ids: slotIds }), 'boost');
}

export async function removeBoost(guildId: string, subscriptionId: string): Promise<void> {
  await rest().delete<unknown>(`/guilds/${guildId}/premium/subscriptions/${subscriptionId}`);
}

export async function listGuildBoosts(guildId: string): Promise<PremiumGuildSubscription[]> {
  return parseList(SubscriptionSchema, await rest().get<unknown>(`/guilds/${guildId}/premium/subscriptions`), 'boost');
}

const VanityUrlSchema = z.object({ code: z.string().nullable(), uses: z.number().int().min(0).optional().default(0) });
export type VanityUrl = z.output<typeof VanityUrlSchema>;

function parseVanity(raw: unknown): VanityUrl {
  const r = VanityUrlSchema.safeParse(raw);
  if (!r.success) throw new Error('unexpected vanity URL answer from the server');
  return r.data;
}

/** The guild's vanity code and its uses (MANAGE_GUILD). */
export async function getVanityUrl(guildId: string): Promise<VanityUrl> {
  return parseVanity(await rest().get<unknown>(`/guilds/${guildId}/vanity-url`));
}

/** Sets (tier 3) or clears (null) the code; the server answers with the code it stored (lower-cased). */
export async function setVanityUrl(guildId: string, code: string | null): Promise<string | null> {
  return parseVanity(await rest().patch<unknown>(`/guilds/${guildId}/vanity-url`, { code })).code;
}

// Instance administration.

export async function listPremiumUsers(): Promise<PremiumUser[]> {
  return parseList(PremiumUserSchema, await rest().get<unknown>('/admin/premium'), 'premium user');
}

export async function grantPremium(userId: string, premiumType: 1 | 2 | 3, expiresAt: string | null): Promise<void> {
  await rest().put<unknown>(`/admin/users/${userId}/premium`, { premium_type: premiumType, expires_at: expiresAt });
}

export async function revokePremium(userId: string): Promise<void> {
  await rest().delete<unknown>(`/admin/users/${userId}/premium`);
}

export async function listAllBoosts(): Promise<PremiumGuildSubscription[]> {
  return parseList(SubscriptionSchema, await rest().get<unknown>('/admin/boosts'), 'boost');
}

export async function listInstanceAudit(): Promise<InstanceAuditEntry[]> {
  return parseList(AuditEntrySchema, await rest().get<unknown>('/admin/audit', { query: { limit: 100 } }), 'audit entry');
}

const AdminMeSchema = z.object({ instance_admin: z.boolean() });

/**
 * Whether the signed-in user is an instance admin. An answer that does not parse reads as no; a
 * failed request is rethrown for the caller to log (the page then stays hidden).
 */
export async function fetchIsInstanceAdmin(): Promise<boolean> {
  const r = AdminMeSchema.safeParse(await rest().get<unknown>('/admin/@me'));
  return r.success && r.data.instance_admin;
}

export const OwnPremiumSchema = z.object({
  premium_type: z.number().int().min(0).max(3),
  expires_at: z.string().nullable(),
  provider: z.string().nullable(),
  renews: z.boolean().optional().default(false),
});
export type OwnPremium = z.output<typeof OwnPremiumSchema>;

/** The signed-in user's own plan and when it ends (`GET /users/@me/premium`, any user). */
export async function fetchOwnPremium(): Promise<OwnPremium> {
  const r = OwnPremiumSchema.safeParse(await rest().get<unknown>('/users/@me/premium'));
  if (!r.success) throw new Error('unexpected premium answer from the server');
  return r.data;
}
