// Audit log and auto moderation rules.
import { AuditLogQuery, CreateAutoModRuleBody, ModifyAutoModRuleBody } from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import type { AuthedContext, RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

export function moderationRoutes(s: Services): RouteDef[] {
  const guildId = (c: AuthedContext) => c.params['guild_id']!;
  const ruleId = (c: AuthedContext) => c.params['rule_id']!;
  return [
    {
      method: 'GET',
      path: '/guilds/:guild_id/audit-logs',
      auth: 'required',
      handler: async (c) => s.auditLog.list(c.user, guildId(c), parseBody(AuditLogQuery, Object.fromEntries(c.query.entries()))),
    },
    { method: 'GET', path: '/guilds/:guild_id/auto-moderation/rules', auth: 'required', handler: (c) => s.autoMod.list(c.user, guildId(c)) },
    { method: 'POST', path: '/guilds/:guild_id/auto-moderation/rules', auth: 'required', handler: async (c) => s.autoMod.create(c.user, guildId(c), parseBody(CreateAutoModRuleBody, c.body), c.auditLogReason) },
    { method: 'GET', path: '/guilds/:guild_id/auto-moderation/rules/:rule_id', auth: 'required', handler: (c) => s.autoMod.getOne(c.user, guildId(c), ruleId(c)) },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/auto-moderation/rules/:rule_id',
      auth: 'required',
      handler: async (c) => s.autoMod.modify(c.user, guildId(c), ruleId(c), parseBody(ModifyAutoModRuleBody, c.body), c.auditLogReason),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/auto-moderation/rules/:rule_id',
      auth: 'required',
      handler: async (c) => {
        await s.autoMod.delete(c.user, guildId(c), ruleId(c), c.auditLogReason);
        return undefined;
      },
    },
  ];
}
