// Instance administration (not a Discord API; plain names under /admin): who has premium, granting
// and revoking it, every boost, and the audit trail of each change. Instance admins only (403 50013).
import { z } from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import { done, type AuthedContext, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

const GrantBody = z.object({
  premium_type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** ISO 8601; absent or null: until revoked. */
  expires_at: z.string().datetime({ offset: true }).nullable().optional(),
});
const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.string().regex(/^\d{1,20}$/).optional(),
});

export function adminRoutes(s: Services): RouteDef[] {
  const premium = s.premium;
  const admin = (c: AuthedContext) => premium.requireInstanceAdmin(c.user);
  return [
    { method: 'GET', path: '/admin/@me', auth: 'required', handler: (c) => ({ instance_admin: premium.isInstanceAdmin(c.user) }) },
    {
      method: 'GET',
      path: '/admin/premium',
      auth: 'required',
      handler: (c) => {
        admin(c);
        return premium.listPremiumUsers();
      },
    },
    {
      method: 'PUT',
      path: '/admin/users/:user_id/premium',
      auth: 'required',
      handler: async (c) => {
        admin(c);
        const body = parseBody(GrantBody, c.body);
        return premium.grant(c.user, c.params['user_id']!, body.premium_type, body.expires_at ? Date.parse(body.expires_at) : null);
      },
    },
    {
      method: 'DELETE',
      path: '/admin/users/:user_id/premium',
      auth: 'required',
      handler: (c) => {
        admin(c);
        return done(premium.revoke(c.user, c.params['user_id']!));
      },
    },
    {
      method: 'GET',
      path: '/admin/boosts',
      auth: 'required',
      handler: (c) => {
        admin(c);
        return s.boosts.listAll();
      },
    },
    {
      method: 'GET',
      path: '/admin/audit',
      auth: 'required',
      handler: async (c) => {
        admin(c);
        return s.instanceAudit.list(parseBody(AuditQuery, Object.fromEntries(c.query.entries())));
      },
    },
  ];
}
