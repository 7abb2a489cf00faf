// Accounts under attack: a password change ends every other token and session, failed logins are
// throttled per account and per address, a login for a missing account costs what a real one does,
// and passwords are stored as argon2id at OWASP's cost (older scrypt hashes upgrade on login).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, registerUser, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = 'correct horse battery';

async function rest(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.server.url}/api/v9${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const login = (name: string, password: string) => rest('POST', '/auth/login', null, { login: name, password });

describe('password change', () => {
  it('revokes every other token, closes their gateway sessions, and answers with a new token', async () => {
    const name = `pwchange_${process.pid}`;
    const user = await registerUser(t, name);
    const second = await login(name, PASSWORD);
    expect(second.status).toBe(200);
    const session = await connectGateway(t, user.token, 'json');
    const closed = new Promise<number>((resolve) => session.client.on('close', (code: number) => resolve(code)));

    const changed = await rest('PATCH', '/users/@me', user.token, { password: PASSWORD, new_password: 'a new horse battery' });
    expect(changed.status).toBe(200);
    expect(changed.body.id).toBe(user.id);
    expect(typeof changed.body.token).toBe('string');
    expect(changed.body.token).not.toBe(user.token);

    expect((await rest('GET', '/users/@me', user.token)).status).toBe(401);
    expect((await rest('GET', '/users/@me', second.body.token)).status).toBe(401);
    expect((await rest('GET', '/users/@me', changed.body.token)).status).toBe(200);
    expect(await closed).toBe(4004);
    session.close();

    expect((await login(name, PASSWORD)).status).toBe(400);
    expect((await login(name, 'a new horse battery')).status).toBe(200);
  });

  it('changes nothing and revokes nothing when the current password is wrong', async () => {
    const user = await registerUser(t);
    const wrong = await rest('PATCH', '/users/@me', user.token, { password: 'not it at all', new_password: 'a new horse battery' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.password._errors[0].code).toBe('PASSWORD_DOES_NOT_MATCH');
    expect((await rest('GET', '/users/@me', user.token)).status).toBe(200);
  });

  it('keeps the token when only the profile changes', async () => {
    const user = await registerUser(t);
    const changed = await rest('PATCH', '/users/@me', user.token, { global_name: 'Still Me' });
    expect(changed.status).toBe(200);
    expect(changed.body.token).toBeUndefined();
    expect((await rest('GET', '/users/@me', user.token)).status).toBe(200);
  });
});

describe('login throttling', () => {
  it('refuses an account after 10 failed logins, even with the right password, and not its neighbours', async () => {
    const name = `throttled_${process.pid}`;
    await registerUser(t, name);
    const neighbour = `neighbour_${process.pid}`;
    await registerUser(t, neighbour);
    for (let i = 0; i < 10; i++) expect((await login(name, `guess number ${i}`)).status).toBe(400);
    const refused = await login(name, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.retry_after).toBeGreaterThan(0);
    // The login name is matched case-insensitively, as the account lookup is.
    expect((await login(name.toUpperCase(), PASSWORD)).status).toBe(429);
    expect((await login(neighbour, PASSWORD)).status).toBe(200);
  });

  it('refuses an address after 50 failed logins across accounts', async () => {
    // A fresh server: the address budget is per process and the test above spent some of it.
    const own = await startTestServer();
    try {
      const post = async (login: string, password: string) => {
        const res = await fetch(`${own.server.url}/api/v9/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
        return res.status;
      };
      const { user_id } = await own.api().register({ username: `addr_${process.pid}`, password: PASSWORD });
      expect(user_id).toBeTruthy();
      for (let i = 0; i < 50; i++) expect(await post(`nobody_${i}`, 'wrong password')).toBe(400);
      expect(await post(`addr_${process.pid}`, PASSWORD)).toBe(429);
    } finally {
      await own.close();
    }
  });

  it('costs about the same for an account that does not exist as for one that does', async () => {
    const name = `timing_${process.pid}`;
    await registerUser(t, name);
    const time = async (login: string) => {
      const started = performance.now();
      const res = await rest('POST', '/auth/login', null, { login, password: 'wrong password' });
      expect(res.status).toBe(400);
      return performance.now() - started;
    };
    const existing: number[] = [];
    const missing: number[] = [];
    // Alternate so machine noise hits both alike; stay under the per-account limit.
    for (let i = 0; i < 4; i++) {
      existing.push(await time(name));
      missing.push(await time(`missing_${i}_${process.pid}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    // Without the dummy verification a missing account answers in ~1 ms against ~20-50 ms.
    expect(median(missing)).toBeGreaterThan(median(existing) * 0.4);
  });
});

describe('password storage', () => {
  it('stores argon2id at OWASP cost (m=19456 KiB, t=2, p=1)', async () => {
    const user = await registerUser(t);
    const stored = t.server.services.ctx.state.users.get(user.id)?.password_hash ?? '';
    expect(stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
  });

  it('accepts a legacy scrypt hash once and upgrades it to argon2id', async () => {
    const name = `legacy_${process.pid}`;
    const user = await registerUser(t, name);
    const salt = crypto.randomBytes(16);
    const key = crypto.scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 });
    const ctx = t.server.services.ctx;
    const legacy = { ...ctx.state.users.get(user.id)!, password_hash: `scrypt$16384$${salt.toString('base64')}$${key.toString('base64')}` };
    await ctx.meta.updateUser(legacy);
    ctx.state.users.set(user.id, legacy);

    expect((await login(name, PASSWORD)).status).toBe(200);
    await eventually(() => (ctx.state.users.get(user.id)?.password_hash ?? '').startsWith('$argon2id$'), 'the hash upgrade');
    expect((await login(name, PASSWORD)).status).toBe(200);
  });
});
