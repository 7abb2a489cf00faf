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
        return s.members.listMembers(c.user, c.params['guild_id']!, q.limit, q.after);
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guild_id/members/search',
      auth: 'required',
      handler: (c) => {
        const q = parseBody(SearchQuery, queryObject(c.query));
        return s.members.searchMembers(c.user, c.params['guild_id']!, q.query, q.limit);
      },
    },
    { method: 'GET', path: '/guilds/:guild_id/members/:user_id', auth: 'required', handler: (c) => s.members.getMember(c.user, c.params['guild_id']!, c.params['user_id']!) },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/members/@me',
      auth: 'required',
      handler: async (c) => s.members.modifyMember(c.user, c.params['guild_id']!, '@me', parseBody(ModifyCurrentMemberBody, c.body)),
    },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/members/:user_id',
      auth: 'required',
      handler: async (c) => s.members.modifyMember(c.user, c.params['guild_id']!, c.params['user_id']!, parseBody(ModifyMemberBody, c.body)),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/members/:user_id',
      auth: 'required',
      handler: (c) => done(s.members.kick(c.user, c.params['guild_id']!, c.params['user_id']!)),
    },
    {
      method: 'PUT',
      path: '/guilds/:guild_id/members/:user_id/roles/:role_id',
      auth: 'required',
      handler: (c) => done(s.members.addMemberRole(c.user, c.params['guild_id']!, c.params['user_id']!, c.params['role_id']!)),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/members/:user_id/roles/:role_id',
      auth: 'required',
      handler: (c) => done(s.members.removeMemberRole(c.user, c.params['guild_id']!, c.params['user_id']!, c.params['role_id']!)),
    },
    { method: 'GET', path: '/guilds/:guild_id/bans', auth: 'required', handler: (c) => s.bans.listBans(c.user, c.params['guild_id']!) },
    { method: 'GET', path: '/guilds/:guild_id/bans/:user_id', auth: 'required', handler: (c) => s.bans.getBan(c.user, c.params['guild_id']!, c.params['user_id']!) },
    {
      method: 'PUT',
      path: '/guilds/:guild_id/bans/:user_id',
      auth: 'required',
      handler: async (c) => {
        const body = parseBody(CreateBanBody, c.body);
        const seconds = body.delete_message_seconds ?? (body.delete_message_days ?? 0) * 86_400;
        await s.bans.ban(c.user, c.params['guild_id']!, c.params['user_id']!, seconds, c.auditLogReason ?? body.reason ?? null);
        return undefined;
      },
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/bans/:user_id',
      auth: 'required',
      handler: (c) => done(s.bans.unban(c.user, c.params['guild_id']!, c.params['user_id']!)),
    },
    { method: 'GET', path: '/guilds/:guild_id/roles', auth: 'required', handler: (c) => s.roles.listRoles(c.user, c.params['guild_id']!) },
    { method: 'POST', path: '/guilds/:guild_id/roles', auth: 'required', handler: async (c) => s.roles.createRole(c.user, c.params['guild_id']!, parseBody(CreateRoleBody, c.body)) },
    { method: 'PATCH', path: '/guilds/:guild_id/roles', auth: 'required', handler: async (c) => s.roles.reorderRoles(c.user, c.params['guild_id']!, parseBody(ReorderRolesBody, c.body)) },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/roles/:role_id',
      auth: 'required',
      handler: async (c) => s.roles.modifyRole(c.user, c.params['guild_id']!, c.params['role_id']!, parseBody(ModifyRoleBody, c.body)),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/roles/:role_id',
      auth: 'required',
      handler: (c) => done(s.roles.deleteRole(c.user, c.params['guild_id']!, c.params['role_id']!)),
    },
  ];
}
