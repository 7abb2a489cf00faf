// Boosts and vanity invites as Discord's clients call them: the user's boost slots, a guild's
// boosts (list, apply slots, remove one) and the guild's vanity URL (tier 3). Also the user's own
// plan and its end date (GET /users/@me/premium, this server's route: see APIOwnPremium).
import { snowflakeSchema, z } from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import { done, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

const BoostBody = z.object({ user_premium_guild_subscription_slot_ids: z.array(snowflakeSchema).min(1).max(100) });
const VanityBody = z.object({ code: z.string().max(32).nullable() });

export function premiumRoutes(s: Services): RouteDef[] {
  const boosts = s.boosts;
  return [
    { method: 'GET', path: '/users/@me/premium', auth: 'required', handler: (c) => s.premium.ownPremium(c.user) },
    { method: 'GET', path: '/users/@me/guilds/premium/subscription-slots', auth: 'required', handler: (c) => boosts.listSlots(c.user) },
    { method: 'GET', path: '/guilds/:guild_id/premium/subscriptions', auth: 'required', handler: (c) => boosts.listGuildBoosts(c.user, c.params['guild_id']!) },
    {
      method: 'PUT',
      path: '/guilds/:guild_id/premium/subscriptions',
      auth: 'required',
      handler: async (c) => boosts.boost(c.user, c.params['guild_id']!, parseBody(BoostBody, c.body).user_premium_guild_subscription_slot_ids),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/premium/subscriptions/:subscription_id',
      auth: 'required',
      handler: (c) => done(boosts.unboost(c.user, c.params['guild_id']!, c.params['subscription_id']!)),
    },
    { method: 'GET', path: '/guilds/:guild_id/vanity-url', auth: 'required', handler: async (c) => boosts.getVanity(c.user, c.params['guild_id']!) },
    { method: 'PATCH', path: '/guilds/:guild_id/vanity-url', auth: 'required', handler: async (c) => boosts.setVanity(c.user, c.params['guild_id']!, parseBody(VanityBody, c.body).code) },
  ];
}
