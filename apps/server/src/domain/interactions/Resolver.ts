// Builds an interaction's `resolved` (users, members, roles, channels, messages) while checking that
// each id an option or select names exists where the interaction happens and may be shown to the bot.
import { PermissionFlags, hasPermission, type APIInteractionResolved } from '@concord/protocol';
import type { ChannelRecord } from '../../store/records.ts';
import type { DomainContext } from '../DomainContext.ts';
import type { GuildState } from '../DomainState.ts';
import { memberToAPI, roleToAPI, userToAPI } from '../serialize.ts';

/** What option and select values are checked against: each lookup records what it found. */
export interface ResolvableTargets {
  user(id: string): boolean;
  role(id: string): boolean;
  /** The channel when the invoker can see it, else null. */
  channel(id: string): { type: number } | null;
}

export class Resolver implements ResolvableTargets {
  private readonly users = new Map<string, unknown>();
  private readonly members = new Map<string, unknown>();
  private readonly roles = new Map<string, unknown>();
  private readonly channels = new Map<string, unknown>();
  private readonly messages = new Map<string, unknown>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly g: GuildState | null,
    /** The invoker: resolved channels carry their permissions there. */
    private readonly invokerId: string,
  ) {}

  user(id: string): boolean {
    const u = this.ctx.state.users.get(id);
    if (!u) return false;
    this.users.set(id, userToAPI(u));
    const m = this.g?.members.get(id);
    if (m && this.g) {
      const { user: _user, deaf: _deaf, mute: _mute, ...rest } = memberToAPI(m, u);
      this.members.set(id, { ...rest, permissions: this.g.basePermissions(id).toString() });
    }
    return true;
  }

  role(id: string): boolean {
    const r = this.g?.roles.get(id);
    if (!r) return false;
    this.roles.set(id, roleToAPI(r));
    return true;
  }

  /** A channel the invoker can see (an option or select value naming any other is invalid, so nothing about it leaks to the bot). */
  channel(id: string): ChannelRecord | null {
    const c = this.g?.channels.get(id);
    if (!c || !this.g) return null;
    const permissions = this.g.channelPermissions(c, this.invokerId);
    if (!hasPermission(permissions, PermissionFlags.VIEW_CHANNEL)) return null;
    this.channels.set(id, { id: c.id, name: c.name, type: c.type, parent_id: c.parent_id, permissions: permissions.toString() });
    return c;
  }

  message(m: { id: string }): void {
    this.messages.set(m.id, m);
  }

  result(): APIInteractionResolved | null {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [key, map] of [['users', this.users], ['members', this.members], ['roles', this.roles], ['channels', this.channels], ['messages', this.messages]] as const) {
      if (map.size > 0) out[key] = Object.fromEntries(map);
    }
    return Object.keys(out).length > 0 ? out : null;
  }
}
