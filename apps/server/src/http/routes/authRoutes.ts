// Accounts and the current user.
import { LoginBody, ModifySelfBody, RegisterBody } from '@concord/protocol';
import { selfUserToAPI, userToAPI } from '../../domain/serialize.ts';
import { DomainError } from '../../domain/DomainError.ts';
import { isAnimatedImage, perksOf } from '../../domain/premium/entitlement.ts';
import { parseBody } from '../HttpServer.ts';
import { done, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

const AUTH_RULE = { limit: 10, windowMs: 60_000 };

export function authRoutes(s: Services): RouteDef[] {
  return [
    { method: 'POST', path: '/auth/register', auth: 'none', rule: AUTH_RULE, handler: async (c) => s.auth.register(parseBody(RegisterBody, c.body)) },
    { method: 'POST', path: '/auth/login', auth: 'none', rule: AUTH_RULE, handler: async (c) => s.auth.login(parseBody(LoginBody, c.body), c.ip) },
    {
      method: 'POST',
      path: '/auth/logout',
      auth: 'required',
      handler: async (c) => {
        await s.auth.logout(c.authorization);
        s.ctx.bus.publish({ kind: 'disconnectUser', userId: c.user.id });
        return undefined;
      },
    },
    { method: 'GET', path: '/users/@me', auth: 'required', handler: (c) => selfUserToAPI(c.user) },
    {
      method: 'PATCH',
      path: '/users/@me',
      auth: 'required',
      handler: async (c) => {
        const { banner, ...patch } = parseBody(ModifySelfBody, c.body);
        // Premium perks: an animated (GIF) avatar and a profile banner, refused with 50035 on the field without them.
        const perks = perksOf(c.user);
        if (patch.avatar && isAnimatedImage(patch.avatar) && !perks.animatedAvatar) {
          throw DomainError.fieldError('avatar', 'ANIMATED_AVATAR_PREMIUM_REQUIRED', 'Animated avatars require Nitro.');
        }
        if (banner && !perks.profileBanner) throw DomainError.fieldError('banner', 'BANNER_PREMIUM_REQUIRED', 'Profile banners require Nitro.');
        // Set on the record first so the one USER_UPDATE modifySelf sends carries it.
        if (banner !== undefined) await s.premium.setBanner(c.user, banner);
        return s.auth.modifySelf(c.user, patch);
      },
    },
    {
      method: 'GET',
      path: '/users/:user_id',
      auth: 'required',
      handler: (c) => {
        const u = s.ctx.state.users.get(c.params['user_id']!);
        if (!u) throw new DomainError('UnknownUser');
        return userToAPI(u);
      },
    },
    { method: 'GET', path: '/users/@me/guilds', auth: 'required', handler: (c) => s.guilds.listMyGuilds(c.user) },
    { method: 'GET', path: '/users/@me/guilds/:guild_id/member', auth: 'required', handler: (c) => s.members.getMember(c.user, c.params['guild_id']!, '@me') },
    {
      method: 'DELETE',
      path: '/users/@me/guilds/:guild_id',
      auth: 'required',
      handler: (c) => done(s.members.leaveGuild(c.user, c.params['guild_id']!)),
    },
    { method: 'GET', path: '/gateway', auth: 'none', handler: (c) => ({ url: s.gatewayUrl(c.origin) }) },
    {
      method: 'GET',
      path: '/gateway/bot',
      auth: 'required',
      handler: (c) => ({ url: s.gatewayUrl(c.origin), shards: 1, session_start_limit: s.sessionStartLimit(c.user.id) }),
    },
  ];
}
