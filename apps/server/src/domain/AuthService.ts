// Accounts and tokens. Passwords are hashed with argon2id at OWASP's cost (PasswordHasher.ts);
// tokens are 32 random bytes prefixed with the user id, and only their SHA-256 is stored, so a
// leaked database holds no usable token. Tokens are revocable (logout, password change), and
// failed logins are throttled per account and per address (LoginThrottle.ts).
import crypto from 'node:crypto';
import { LOCAL_CACHES, covers, type CacheFollower, type ReloadIds } from '../bus/CacheInvalidation.ts';
import { DomainError, RateLimitedError } from './DomainError.ts';
import type { UserRecord } from '../store/records.ts';
import type { DomainContext } from './DomainContext.ts';
import { dispatch } from './DomainContext.ts';
import { LoginThrottle } from './LoginThrottle.ts';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './PasswordHasher.ts';
import { imageHash } from './premium/entitlement.ts';
import { selfUserToAPI } from './serialize.ts';

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('base64url');

export class AuthService {
  /** token hash -> user id; cleared on revoke. Saves a storage read on every request. */
  private readonly tokenCache = new Map<string, string>();
  /** Bumped whenever cached tokens are forgotten: a store read that started before must not cache a revoked token. */
  private forgets = 0;
  private readonly loginThrottle = new LoginThrottle();
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(private readonly ctx: DomainContext) {}

  /**
   * On a cluster bus: a logout or token reset on another node makes this one forget the user's
   * cached tokens, so the old token is refused here at once (its next use reads the store).
   */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('tokens', (userIds) => this.forgetTokens(userIds));
  }

  private forgetTokens(userIds: ReloadIds): void {
    this.forgets++;
    for (const [hash, id] of this.tokenCache) if (covers(userIds, id)) this.tokenCache.delete(hash);
  }

  async issueToken(userId: string): Promise<string> {
    const token = `${Buffer.from(userId).toString('base64url')}.${crypto.randomBytes(32).toString('base64url')}`;
    await this.ctx.meta.insertToken(hashToken(token), userId, Date.now());
    return token;
  }

  async register(input: { username: string; password: string; email?: string | null | undefined; global_name?: string | null | undefined }): Promise<{ token: string; user_id: string }> {
    const taken = [...this.ctx.state.users.values()].some(
      (u) => !u.bot && (u.username.toLowerCase() === input.username.toLowerCase() || (input.email && u.email?.toLowerCase() === input.email.toLowerCase())),
    );
    if (taken) {
      const byName = [...this.ctx.state.users.values()].some((u) => !u.bot && u.username.toLowerCase() === input.username.toLowerCase());
      throw byName
        ? DomainError.fieldError('username', 'USERNAME_ALREADY_TAKEN', 'Username is unavailable. Try adding numbers, letters, underscores _ , or periods.')
        : DomainError.fieldError('email', 'EMAIL_ALREADY_REGISTERED', 'Email is already registered.');
    }
    const user: UserRecord = {
      id: this.ctx.ids.next(),
      username: input.username,
      discriminator: '0',
      global_name: input.global_name ?? null,
      avatar: null,
      email: input.email ?? null,
      password_hash: await hashPassword(input.password),
      bot: false,
      flags: 0,
      bio: '',
      accent_color: null,
      created_at: Date.now(),
    };
    await this.ctx.meta.insertUser(user);
    this.ctx.state.users.set(user.id, user);
    return { token: await this.issueToken(user.id), user_id: user.id };
  }

  /** `address` is the client's IP (throttling); a failure costs the same whether the account exists or not. */
  async login(input: { login: string; password: string }, address: string): Promise<{ token: string; user_id: string }> {
    const retryAfterMs = this.loginThrottle.retryAfterMs(input.login, address);
    if (retryAfterMs > 0) {
      throw new RateLimitedError('RateLimited', Math.ceil(retryAfterMs / 1000));
    }
    const user = await this.ctx.meta.findUserByLogin(input.login);
    const ok = user?.password_hash ? await verifyPassword(input.password, user.password_hash) : await verifyAgainstDummy(input.password);
    if (!user || !ok) {
      this.loginThrottle.recordFailure(input.login, address);
      const err = { _errors: [{ code: 'INVALID_LOGIN', message: 'Login or password is invalid.' }] };
      throw DomainError.invalidForm({ login: err, password: err });
    }
    this.loginThrottle.recordSuccess(input.login);
    if (user.password_hash && needsRehash(user.password_hash)) await this.storeUser({ ...user, password_hash: await hashPassword(input.password) });
    return { token: await this.issueToken(user.id), user_id: user.id };
  }

  /**
   * Resolves a bare user token or `Bot <token>` to its user, or null. On the gateway, IDENTIFY and
   * RESUME carry bare tokens for users and bots alike (as discord.js sends them), so there a bare
   * token may be either.
   */
  async authenticate(header: string, where: 'rest' | 'gateway' = 'rest'): Promise<UserRecord | null> {
    if (!header || header.length > 512) return null;
    let token = header;
    let expectBot: boolean | null = where === 'gateway' ? null : false;
    if (header.startsWith('Bot ')) {
      token = header.slice(4);
      expectBot = true;
    } else if (header.startsWith('Bearer ')) {
      token = header.slice(7);
      expectBot = null;
    }
    const hash = hashToken(token);
    let userId = this.tokenCache.get(hash);
    if (userId === undefined) {
      const forgets = this.forgets;
      userId = (await this.ctx.meta.findUserIdByToken(hash)) ?? undefined;
      if (userId === undefined) return null;
      if (this.tokenCache.size > 100_000) this.tokenCache.clear();
      if (forgets === this.forgets) this.tokenCache.set(hash, userId);
    }
    const user = this.ctx.state.users.get(userId);
    if (!user) return null;
    if (expectBot !== null && user.bot !== expectBot) return null;
    return user;
  }

  /** Revokes every token of a user (bot token reset): storage and the in-memory cache alike. */
  async revokeAllTokens(userId: string): Promise<void> {
    await this.caches.write('tokens', userId, async () => {
      await this.ctx.meta.deleteTokensOfUser(userId);
      this.forgetTokens(new Set([userId]));
    });
  }

  async logout(header: string): Promise<void> {
    const token = header.startsWith('Bot ') ? header.slice(4) : header;
    const hash = hashToken(token);
    // Other nodes cache by user: on a cluster, find whose token this is before it is gone.
    const userId = this.caches.clustered ? this.tokenCache.get(hash) ?? (await this.ctx.meta.findUserIdByToken(hash)) : null;
    this.tokenCache.delete(hash);
    if (userId === null) {
      await this.ctx.meta.deleteToken(hash);
      return;
    }
    await this.caches.write('tokens', userId, async () => {
      this.forgets++;
      this.tokenCache.delete(hash);
      await this.ctx.meta.deleteToken(hash);
    });
  }

  async modifySelf(
    actor: UserRecord,
    patch: { username?: string | undefined; global_name?: string | null | undefined; avatar?: string | null | undefined; bio?: string | undefined; accent_color?: number | null | undefined; password?: string | undefined; new_password?: string | undefined },
  ) {
    const next: UserRecord = { ...actor };
    if (patch.username !== undefined && patch.username.toLowerCase() !== actor.username.toLowerCase()) {
      const taken = [...this.ctx.state.users.values()].some((u) => !u.bot && u.id !== actor.id && u.username.toLowerCase() === patch.username!.toLowerCase());
      if (taken) throw DomainError.fieldError('username', 'USERNAME_ALREADY_TAKEN', 'Username is unavailable.');
      next.username = patch.username;
    } else if (patch.username !== undefined) next.username = patch.username;
    if (patch.global_name !== undefined) next.global_name = patch.global_name;
    // An animated (GIF) avatar's hash starts with a_, as Discord's; whether it is allowed is the route's premium check.
    if (patch.avatar !== undefined) next.avatar = patch.avatar === null ? null : imageHash(patch.avatar);
    if (patch.bio !== undefined) next.bio = patch.bio;
    if (patch.accent_color !== undefined) next.accent_color = patch.accent_color;
    if (patch.new_password !== undefined) {
      if (!patch.password || !actor.password_hash || !(await verifyPassword(patch.password, actor.password_hash))) {
        throw DomainError.fieldError('password', 'PASSWORD_DOES_NOT_MATCH', 'Password does not match.');
      }
      next.password_hash = await hashPassword(patch.new_password);
    }
    await this.storeUser(next);
    const self = selfUserToAPI(next);
    dispatch(this.ctx, `u:${next.id}`, 'USER_UPDATE', self);
    if (patch.new_password === undefined) return self;
    // As Discord: a new password ends every session and token of the account, and the answer
    // carries the one new token the caller continues with.
    await this.revokeAllTokens(next.id);
    this.ctx.bus.publish({ kind: 'disconnectUser', userId: next.id });
    return { ...self, token: await this.issueToken(next.id) };
  }

  private async storeUser(user: UserRecord): Promise<void> {
    await this.ctx.meta.updateUser(user);
    this.ctx.state.users.set(user.id, user);
  }

  requireHuman(actor: UserRecord): void {
    if (actor.bot) throw new DomainError('BotsCannotUseEndpoint');
  }
}
