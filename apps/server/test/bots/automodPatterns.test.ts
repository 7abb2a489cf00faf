// Auto-moderation patterns run in linear time (issue 14): RE2-syntax regex_patterns with Discord's
// limits, and keyword lists matched in one pass. The catastrophic-backtracking case runs against a
// server in its own process, so a freeze shows up as a timed-out request instead of hanging the test.
import { ConcordApi } from '@concord/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, guildWithMember, registerUser, startTestServer, eventually, type TestServer, type TestUser } from '../harness.ts';
import { restError } from './botHarness.ts';

const keywordRule = (trigger_metadata: Record<string, unknown>) => ({ name: 'patterns', event_type: 1, trigger_type: 1, trigger_metadata, actions: [{ type: 1 }], enabled: true });

describe('a catastrophic-backtracking pattern', () => {
  const root = path.resolve(import.meta.dirname, '../../../..');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-automod-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a 41-character message within 2 s and the server keeps serving /healthz', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const address = srv.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        srv.close(() => resolve(p));
      });
    });
    child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMITS: 'off', VOICE_PORT: '0', VOICE_UDP_PORT: '0' },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    for (let deadline = Date.now() + 20_000; (await fetch(`${base}/healthz`).catch(() => null))?.ok !== true; ) {
      if (Date.now() > deadline) throw new Error('server process did not become healthy');
      await new Promise((r) => setTimeout(r, 100));
    }
    const client = (token?: string) => new ConcordApi({ baseUrl: `${base}/api/v9`, ...(token ? { token } : {}) });
    const ownerToken = (await client().register({ username: 'automod_owner', password: 'correct horse battery' })).token;
    const memberToken = (await client().register({ username: 'automod_member', password: 'correct horse battery' })).token;
    const owner = client(ownerToken);
    const guild = await owner.createGuild({ name: 'Patterns' });
    const channel = guild.system_channel_id!;
    await client(memberToken).acceptInvite((await owner.createInvite(channel, { max_age: 0 })).code);
    await owner.rest.post(`/guilds/${guild.id}/auto-moderation/rules`, keywordRule({ regex_patterns: ['(a+)+$'] }));

    const send = (content: string) =>
      fetch(`${base}/api/v9/channels/${channel}/messages`, {
        method: 'POST',
        headers: { authorization: memberToken, 'content-type': 'application/json' },
        body: JSON.stringify({ content }),
        signal: AbortSignal.timeout(2000),
      });
    const evil = await send(`${'a'.repeat(41)}!`);
    expect(evil.status).toBe(200);
    const longer = await send(`${'a'.repeat(1999)}!`);
    expect(longer.status).toBe(200);
    // The pattern still does its job.
    expect(((await (await send('aaaa')).json()) as { code: number }).code).toBe(200000);
    expect((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok).toBe(true);
  }, 60_000);
});

describe('auto-moderation patterns', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t);
    member = await registerUser(t);
  });
  afterAll(async () => {
    await t.close();
  });
  const newGuild = async () => {
    const g = await guildWithMember(owner, member);
    return { rules: `/guilds/${g.guild.id}/auto-moderation/rules`, general: g.general };
  };

  it('refuses over 10 patterns, a 261-character pattern, backreferences and look-around with 50035', async () => {
    const { rules } = await newGuild();
    const refused = async (trigger_metadata: Record<string, unknown>) => restError(owner.api.rest.post(rules, keywordRule(trigger_metadata)));
    expect((await refused({ regex_patterns: Array.from({ length: 11 }, (_, i) => `w${i}`) })).code).toBe(50035);
    expect((await refused({ regex_patterns: ['a'.repeat(261)] })).code).toBe(50035);
    const backreference = await refused({ regex_patterns: ['(a)\\1'] });
    expect(backreference.code).toBe(50035);
    expect(backreference.errors).toMatchObject({ trigger_metadata: { regex_patterns: { 0: { _errors: [{ code: 'AUTO_MODERATION_INVALID_REGEX' }] } } } });
    expect((await refused({ regex_patterns: ['spoil(?=er)'] })).code).toBe(50035);
    // Modify validates the same way.
    const rule = await owner.api.rest.post<{ id: string }>(rules, keywordRule({ regex_patterns: Array.from({ length: 10 }, (_, i) => `w${i}`) }));
    expect((await restError(owner.api.rest.patch(`${rules}/${rule.id}`, { trigger_metadata: { regex_patterns: ['(?<!x)y'] } }))).code).toBe(50035);
    expect((await restError(owner.api.rest.patch(`${rules}/${rule.id}`, { trigger_metadata: { keyword_filter: ['x'], allow_list: Array.from({ length: 101 }, (_, i) => `a${i}`) } }))).code).toBe(50035);
  });

  it('blocks with RE2 semantics, case-insensitively, reporting the pattern and the matched content', async () => {
    const { rules, general } = await newGuild();
    const gw = await connectGateway(t, owner.token, 'json');
    try {
      const rule = await owner.api.rest.post<{ id: string }>(rules, keywordRule({ regex_patterns: ['\\bfo+\\b'], allow_list: ['fooo'] }));
      expect((await restError(member.api.sendMessage(general, 'well FOOOOO then'))).code).toBe(200000);
      await eventually(() => gw.of('AUTO_MODERATION_ACTION_EXECUTION').some((e) => e.rule_id === rule.id && e.matched_keyword === '\\bfo+\\b' && e.matched_content === 'FOOOOO'), 'AUTO_MODERATION_ACTION_EXECUTION');
      expect((await member.api.sendMessage(general, 'foooobar')).content).toBe('foooobar');
      // An allow-listed match is skipped, and a later match in the same message still counts.
      expect((await member.api.sendMessage(general, 'fooo is fine')).content).toBe('fooo is fine');
      expect((await restError(member.api.sendMessage(general, 'fooo then foo'))).code).toBe(200000);
    } finally {
      gw.close();
    }
  });

  it('matches 1000 keywords (wildcards, whole words, phrases) against a 2000-character message', async () => {
    const { rules, general } = await newGuild();
    const keywords = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? `*zq${i}` : i % 4 === 1 ? `zq${i}*` : i % 4 === 2 ? `*zq${i}*` : `zq${i}`));
    keywords[999] = 'forbidden phrase';
    await owner.api.rest.post(rules, keywordRule({ keyword_filter: keywords }));
    const filler = 'zq zqzq qz '.repeat(200).slice(0, 1990);
    const started = Date.now();
    expect((await member.api.sendMessage(general, filler)).content).toBe(filler);
    expect((await restError(member.api.sendMessage(general, `${filler.slice(0, 1950)} FORBIDDEN  phrase forbidden phrase`))).code).toBe(200000);
    expect(Date.now() - started).toBeLessThan(2000);
    // Wildcards and whole words as Discord defines them.
    expect((await restError(member.api.sendMessage(general, 'xxzq4'))).code).toBe(200000); // *zq4
    expect((await restError(member.api.sendMessage(general, 'zq5yy'))).code).toBe(200000); // zq5*
    expect((await restError(member.api.sendMessage(general, 'azq6b'))).code).toBe(200000); // *zq6*
    expect((await member.api.sendMessage(general, 'zq7s and xzq7')).content).toBe('zq7s and xzq7'); // zq7 whole word only
    expect((await restError(member.api.sendMessage(general, 'say ZQ7!'))).code).toBe(200000);
  });
});
