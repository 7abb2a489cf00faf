// Bad input over HTTP gets a Discord-shaped error with the right status, nothing is stored, and
// the server keeps serving. Rate limits answer with Discord's headers and 429 body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

let t: TestServer;
let u: TestUser;
let channel: string;
beforeAll(async () => {
  t = await startTestServer();
  u = await registerUser(t);
  channel = (await u.api.createGuild({ name: 'Errors' })).system_channel_id!;
});
afterAll(async () => {
  await t.close();
});

async function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.server.url}${path}`, { method, headers: { authorization: u.token, 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe('bad input', () => {
  it.each<[string, string, string, string | undefined, number, number]>([
    ['malformed JSON', 'POST', '/messages', '{"content": "hi"', 400, 50109],
    ['a wrong type', 'POST', '/messages', '{"content": 42}', 400, 50035],
    ['content over 2000 characters', 'POST', '/messages', JSON.stringify({ content: 'x'.repeat(2001) }), 400, 50035],
    ['an empty message', 'POST', '/messages', '{}', 400, 50006],
    ['a reply to an unknown message', 'POST', '/messages', JSON.stringify({ content: 'x', message_reference: { message_id: '1574994256605478915' } }), 400, 50035],
    ['a body over 1 MiB', 'POST', '/messages', JSON.stringify({ content: 'x'.repeat(1_100_000) }), 413, 40005],
    ['an unknown message id', 'GET', '/messages/1574994256605478915', undefined, 404, 10008],
    ['a non-snowflake query', 'GET', '/messages?before=abc', undefined, 400, 50035],
  ])('answers %s with a Discord error', async (_what, method, suffix, body, status, code) => {
    const r = await raw(method, `/api/v9/channels/${channel}${suffix}`, body);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ code, message: expect.any(String) });
  });

  it('gives per-field errors in Discord\'s nested shape', async () => {
    const r = await raw('POST', `/api/v9/channels/${channel}/messages`, JSON.stringify({ content: 1, embeds: [{ title: 'x'.repeat(300) }] }));
    expect(r.body).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        content: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_INVALID' })] },
        embeds: { '0': { title: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_MAX_LENGTH' })] } } },
      },
    });
  });

  it('refuses U+0000 in any string of a JSON body with a field error, and takes an escaped backslash before u0000', async () => {
    const r = await raw('POST', '/api/v9/guilds', '{"name": "raid\\u0000night"}');
    expect(r).toMatchObject({ status: 400, body: { code: 50035, errors: { name: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_BAD_CHARACTER' })] } } } });
    const nested = await raw('POST', `/api/v9/channels/${channel}/messages`, JSON.stringify({ content: 'ok', embeds: [{ title: 'a\u0000b' }] }));
    expect(nested.body).toMatchObject({ code: 50035, errors: { embeds: { '0': { title: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_BAD_CHARACTER' })] } } } } });
    const literal = await raw('POST', `/api/v9/channels/${channel}/messages`, JSON.stringify({ content: 'a\\u0000 is how JSON writes NUL' }));
    expect(literal.status).toBe(200);
    expect(literal.body.content).toBe('a\\u0000 is how JSON writes NUL');
  });

  it('answers unknown routes, wrong methods, bad versions and missing auth', async () => {
    expect(await raw('GET', '/api/v9/definitely/not/here')).toMatchObject({ status: 404, body: { code: 0, message: '404: Not Found' } });
    expect(await raw('DELETE', '/api/v9/auth/login')).toMatchObject({ status: 405, body: { code: 0 } });
    expect(await raw('GET', '/api/v3/users/@me')).toMatchObject({ status: 400, body: { code: 50041 } });
    expect(await raw('GET', '/api/v10/users/@me')).toMatchObject({ status: 200, body: { id: u.id } });
    expect(await raw('GET', '/api/v9/users/@me', undefined, { authorization: 'garbage' })).toMatchObject({ status: 401, body: { code: 0 } });
  });

  it('stores nothing from rejected requests and keeps serving', async () => {
    const before = await u.api.getMessages(channel);
    await Promise.all(Array.from({ length: 20 }, (_, i) => raw('POST', `/api/v9/channels/${channel}/messages`, i % 2 ? '{"content":' : JSON.stringify({ content: 7 }))));
    expect(await u.api.getMessages(channel)).toEqual(before);
    const ok = await u.api.sendMessage(channel, 'still here');
    expect(ok.content).toBe('still here');
  });
});

describe('rate limits', () => {
  it('answers 429 with Discord\'s headers and body once a bucket is empty', async () => {
    const limited = await startTestServer({ RATE_LIMITS: 'on' });
    try {
      const me = await registerUser(limited);
      const guild = await me.api.createGuild({ name: 'Limits' });
      const send = () =>
        fetch(`${limited.server.url}/api/v9/channels/${guild.system_channel_id}/typing`, { method: 'POST', headers: { authorization: me.token } });
      const first = await send();
      expect(first.status).toBe(204);
      expect(first.headers.get('x-ratelimit-limit')).toBe('10');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('9');
      expect(Number(first.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
      expect(first.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{8}$/);
      let last: Response = first;
      for (let i = 0; i < 10; i++) last = await send();
      expect(last.status).toBe(429);
      const body = (await last.json()) as { message: string; retry_after: number; global: boolean };
      expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
      expect(body.retry_after).toBeGreaterThan(0);
      expect(last.headers.get('retry-after')).not.toBeNull();
    } finally {
      await limited.close();
    }
  });

  it('applies slowmode per user with code 20016', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const guild = await owner.api.createGuild({ name: 'Slow' });
    const invite = await owner.api.createInvite(guild.system_channel_id!);
    await member.api.acceptInvite(invite.code);
    await owner.api.modifyChannel(guild.system_channel_id!, { rate_limit_per_user: 30 });
    await member.api.sendMessage(guild.system_channel_id!, 'one');
    const second = await fetch(`${t.server.url}/api/v9/channels/${guild.system_channel_id}/messages`, {
      method: 'POST',
      headers: { authorization: member.token, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'two' }),
    });
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ code: 20016, global: false, retry_after: expect.any(Number) });
    // Moderators are exempt.
    await owner.api.sendMessage(guild.system_channel_id!, 'mods talk');
    await owner.api.sendMessage(guild.system_channel_id!, 'freely');
  });
});

describe('service endpoints', () => {
  it('serves health and Prometheus metrics', async () => {
    const health = await (await fetch(`${t.server.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, uws: 'native' });
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).toContain('concord_gateway_sessions');
    expect(metrics).toContain('concord_gateway_events_dispatched_total');
    expect(metrics).toMatch(/concord_http_request_duration_seconds_bucket\{[^}]*route="\/channels\/:channel_id\/messages"/);
  });
});
