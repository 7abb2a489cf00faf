// Guilds, members, bans, roles.
import {
  CreateBanBody,
  CreateGuildBody,
  CreateRoleBody,
  ListMembersQuery,
  ModifyCurrentMemberBody,
  ModifyGuildBody,
  ModifyMemberBody,
  ModifyRoleBody,
  ReorderRolesBody,
  z,
} from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import { created, done, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

const queryObject = (q: URLSearchParams) => Object.fromEntries(q.entries());
const SearchQuery = z.object({ query: z.string().min(1).max(100), limit: z.coerce.number().int().min(1).max(1000).default(1) });

export function guildRoutes(s: Services): RouteDef[] {
  const g = s.guilds;
  return [
    { method: 'POST', path: '/guilds', auth: 'required', handler: async (c) => created(await g.createGuild(c.user, parseBody(CreateGuildBody, c.body))) },
    { method: 'GET', path: '/guilds/:guild_id', auth: 'required', handler: (c) => g.getGuild(c.user, c.params['guild_id']!, c.query.get('with_counts') === 'true') },
    { method: 'PATCH', path: '/guilds/:guild_id', auth: 'required', handler: async (c) => g.modifyGuild(c.user, c.params['guild_id']!, parseBody(ModifyGuildBody, c.body)) },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id',
      auth: 'required',
      handler: (c) => done(g.deleteGuild(c.user, c.params['guild_id']!)),
    },
    {
      method: 'GET',
      path: '/guilds/:guild_id/members',
      auth: 'required',
      handler: (c) => {
        const q = parseBody(ListMembersQuery, queryObject(c.query));
        return g.listMembers(c.user, c.params['guild_id']!, q.limit, q.after);
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guild_id/members/search',
      auth: 'required',
      handler: (c) => {
        const q = parseBody(SearchQuery, queryObject(c.query));
        return g.searchMembers(c.user, c.params['guild_id']!, q.query, q.limit);
      },
    },
    { method: 'GET', path: '/guilds/:guild_id/members/:user_id', auth: 'required', handler: (c) => g.getMember(c.user, c.params['guild_id']!, c.params['user_id']!) },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/members/@me',
      auth: 'required',
      handler: async (c) => g.modifyMember(c.user, c.params['guild_id']!, '@me', parseBody(ModifyCurrentMemberBody, c.body)),
    },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/members/:user_id',
      auth: 'required',
      handler: async (c) => g.modifyMember(c.user, c.params['guild_id']!, c.params['user_id']!, parseBody(ModifyMemberBody, c.body)),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/members/:user_id',
      auth: 'required',
      handler: (c) => done(g.kick(c.user, c.params['guild_id']!, c.params['user_id']!)),
    },
    {
      method: 'PUT',
      path: '/guilds/:guild_id/members/:user_id/roles/:role_id',
      auth: 'required',
      handler: (c) => done(g.addMemberRole(c.user, c.params['guild_id']!, c.params['user_id']!, c.params['role_id']!)),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/members/:user_id/roles/:role_id',
      auth: 'required',
      handler: (c) => done(g.removeMemberRole(c.user, c.params['guild_id']!, c.params['user_id']!, c.params['role_id']!)),
    },
    { method: 'GET', path: '/guilds/:guild_id/bans', auth: 'required', handler: (c) => g.listBans(c.user, c.params['guild_id']!) },
    { method: 'GET', path: '/guilds/:guild_id/bans/:user_id', auth: 'required', handler: (c) => g.getBan(c.user, c.params['guild_id']!, c.params['user_id']!) },
    {
      method: 'PUT',
      path: '/guilds/:guild_id/bans/:user_id',
      auth: 'required',
      handler: async (c) => {
        const body = parseBody(CreateBanBody, c.body);
        const seconds = body.delete_message_seconds ?? (body.delete_message_days ?? 0) * 86_400;
        await g.ban(c.user, c.params['guild_id']!, c.params['user_id']!, seconds, c.auditLogReason ?? body.reason ?? null);
        return undefined;
      },
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/bans/:user_id',
      auth: 'required',
      handler: (c) => done(g.unban(c.user, c.params['guild_id']!, c.params['user_id']!)),
    },
    { method: 'GET', path: '/guilds/:guild_id/roles', auth: 'required', handler: (c) => g.listRoles(c.user, c.params['guild_id']!) },
    { method: 'POST', path: '/guilds/:guild_id/roles', auth: 'required', handler: async (c) => g.createRole(c.user, c.params['guild_id']!, parseBody(CreateRoleBody, c.body)) },
    { method: 'PATCH', path: '/guilds/:guild_id/roles', auth: 'required', handler: async (c) => g.reorderRoles(c.user, c.params['guild_id']!, parseBody(ReorderRolesBody, c.body)) },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/roles/:role_id',
      auth: 'required',
      handler: async (c) => g.modifyRole(c.user, c.params['guild_id']!, c.params['role_id']!, parseBody(ModifyRoleBody, c.body)),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/roles/:role_id',
      auth: 'required',
      handler: (c) => done(g.deleteRole(c.user, c.params['guild_id']!, c.params['role_id']!)),
    },
  ];
}
