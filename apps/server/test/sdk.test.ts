// The SDK against a real server: rate-limit buckets are learnt from headers and a 429 is waited
// out instead of failing; errors come back as RestError with Discord's code and field errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../src/index.ts';
import { ConcordApi, RestError } from '@concord/client';

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-sdk-'));
  server = await startServer({ env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMITS: 'on' } });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('RestClient', () => {
  it('waits out an exhausted bucket so every request succeeds', async () => {
    const api = new ConcordApi({ baseUrl: `${server.url}/api/v9` });
    const { token } = await api.register({ username: 'sdk_user', password: 'correct horse battery' });
    api.setToken(token);
    const guild = await api.createGuild({ name: 'SDK' });
    let rateLimited = 0;
    const counting = new ConcordApi({
      baseUrl: `${server.url}/api/v9`,
      token,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (res.status === 429) rateLimited++;
        return res;
      },
    });
    // The typing bucket allows 10 per 5 s: 12 calls must all resolve.
    for (let i = 0; i < 12; i++) await counting.triggerTyping(guild.system_channel_id!);
    // Having learnt the bucket from the headers, the client waited instead of hitting 429.
    expect(rateLimited).toBe(0);
  }, 20_000);

  it('throws RestError with the status, Discord code and field errors', async () => {
    const api = new ConcordApi({ baseUrl: `${server.url}/api/v9` });
    const err = await api.register({ username: 'x', password: 'short' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect(err).toMatchObject({ status: 400, code: 50035 });
    expect(Object.keys((err as RestError).errors ?? {}).sort()).toEqual(['password', 'username']);
  });
});
