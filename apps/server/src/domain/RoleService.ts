// Roles: list, create (above @everyone), modify, delete and reorder, under the role hierarchy; no one
// grants a permission they do not hold unless they are an administrator.
import { PermissionFlags, canManageRole, hasPermission, highestRolePosition } from '@concord/protocol';
import type { RoleRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireGuildMember, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';
import { roleToAPI } from './serialize.ts';

const MAX_ROLES = 250;

export interface RoleInput {
  name?: string | undefined;
  permissions?: bigint | null | undefined;
  color?: number | null | undefined;
  hoist?: boolean | null | undefined;
  mentionable?: boolean | null | undefined;
  icon?: string | null | undefined;
  unicode_emoji?: string | null | undefined;
}

export class RoleService {
  constructor(private readonly ctx: DomainContext) {}

  listRoles(actor: UserRecord, guildId: string) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    return [...g.roles.values()].sort((a, b) => a.position - b.position).map(roleToAPI);
  }

  /** Non-admins cannot grant permissions they do not have themselves. */
  private assertCanGrant(g: GuildState, actor: UserRecord, permissions: bigint): void {
    const mine = g.basePermissions(actor.id);
    if (hasPermission(mine, PermissionFlags.ADMINISTRATOR)) return;
    if ((permissions & ~mine) !== 0n) throw new DomainError('MissingPermissions');
  }

  async createRole(actor: UserRecord, guildId: string, input: RoleInput, extra: Partial<RoleRecord> = {}) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    if (g.roles.size >= MAX_ROLES) throw new DomainError('MaxRoles');
    const permissions = input.permissions ?? g.roles.get(guildId)?.permissions ?? 0n;
    this.assertCanGrant(g, actor, permissions);
    // A new role goes in at position 1, above @everyone; the others move up.
    const shifted: RoleRecord[] = [];
    for (const r of g.roles.values()) if (r.id !== guildId) shifted.push({ ...r, position: r.position + 1 });
    const role: RoleRecord = {
      id: this.ctx.ids.next(),
      guild_id: guildId,
      name: input.name || 'new role',
      color: input.color ?? 0,
      hoist: input.hoist ?? false,
      position: 1,
      permissions,
      managed: false,
      mentionable: input.mentionable ?? false,
      icon: input.icon ?? null,
      unicode_emoji: input.unicode_emoji ?? null,
      bot_id: null,
      ...extra,
    };
    await this.ctx.meta.upsertRoles([...shifted, role]);
    for (const r of shifted) g.roles.set(r.id, r);
    g.roles.set(role.id, role);
    const api = roleToAPI(role);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: api });
    for (const r of shifted) dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: roleToAPI(r) });
    return api;
  }

  async modifyRole(actor: UserRecord, guildId: string, roleId: string, input: RoleInput) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    const role = g.roles.get(roleId);
    if (!role) throw new DomainError('UnknownRole');
    if (!canManageRole(g.permissionContext(actor.id), role) && roleId !== guildId) throw new DomainError('MissingPermissions');
    if (roleId === guildId && actor.id !== g.guild.owner_id && !hasPermission(g.basePermissions(actor.id), PermissionFlags.MANAGE_ROLES)) throw new DomainError('MissingPermissions');
    const next: RoleRecord = { ...role };
    if (input.name !== undefined && roleId !== guildId) next.name = input.name;
    if (input.permissions != null) {
      this.assertCanGrant(g, actor, input.permissions & ~role.permissions);
      next.permissions = input.permissions;
    }
    if (input.color != null) next.color = input.color;
    if (input.hoist != null) next.hoist = input.hoist;
    if (input.mentionable != null) next.mentionable = input.mentionable;
    if (input.icon !== undefined) next.icon = input.icon;
    if (input.unicode_emoji !== undefined) next.unicode_emoji = input.unicode_emoji;
    await this.ctx.meta.upsertRole(next);
    g.roles.set(roleId, next);
    if (next.permissions !== role.permissions) this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    const api = roleToAPI(next);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: api });
    return api;
  }

  async deleteRole(actor: UserRecord, guildId: string, roleId: string): Promise<void> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    const role = g.roles.get(roleId);
    if (!role || roleId === guildId) throw new DomainError('UnknownRole');
    if (!canManageRole(g.permissionContext(actor.id), role)) throw new DomainError('MissingPermissions');
    if (role.managed) throw new DomainError('InvalidFormBody', 'Cannot delete a managed role');
    await this.ctx.meta.deleteRole(guildId, roleId);
    g.roles.delete(roleId);
    const affected: string[] = [];
    for (const m of g.members.values()) {
      if (!m.roles.includes(roleId)) continue;
      const next = { ...m, roles: m.roles.filter((r) => r !== roleId) };
      await this.ctx.meta.upsertMember(next);
      g.members.set(m.user_id, next);
      affected.push(m.user_id);
    }
    for (const c of g.channels.values()) {
      if (c.overwrites.some((o) => o.id === roleId)) {
        c.overwrites = c.overwrites.filter((o) => o.id !== roleId);
        await this.ctx.meta.upsertChannel(c);
      }
    }
    if (affected.length > 0) this.ctx.bus.publish({ kind: 'access', userIds: affected });
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_DELETE', { guild_id: guildId, role_id: roleId });
  }

  async reorderRoles(actor: UserRecord, guildId: string, moves: { id: string; position?: number | null | undefined }[]) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    const actorCtx = g.permissionContext(actor.id);
    const ownerOrTop = actor.id === g.guild.owner_id ? Number.MAX_SAFE_INTEGER : highestRolePosition(actorCtx);
    const ordered = [...g.roles.values()].filter((r) => r.id !== guildId).sort((a, b) => a.position - b.position);
    for (const move of moves) {
      if (move.position == null) continue;
      const role = g.roles.get(move.id);
      if (!role || role.id === guildId) throw new DomainError('UnknownRole');
      if (!canManageRole(actorCtx, role) || move.position >= ownerOrTop) throw new DomainError('MissingPermissions');
    }
    // Apply the requested positions, then renumber 1..n keeping the relative order.
    const wanted = new Map(moves.filter((m) => m.position != null).map((m) => [m.id, m.position!]));
    ordered.sort((a, b) => (wanted.get(a.id) ?? a.position) - (wanted.get(b.id) ?? b.position) || a.position - b.position);
    const changed: RoleRecord[] = [];
    ordered.forEach((r, i) => {
      if (r.position !== i + 1) changed.push({ ...r, position: i + 1 });
    });
    await this.ctx.meta.upsertRoles(changed);
    for (const r of changed) g.roles.set(r.id, r);
    if (changed.length > 0) this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    for (const r of changed) dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: roleToAPI(r) });
    return this.listRoles(actor, guildId);
  }
}
