// Users, one guild and its members, created through the public REST API exactly as clients would.
import { HttpPool, expectJson, forEachConcurrent } from './HttpConnection.ts';
import { log } from './args.ts';

export interface SeededGuild {
  tokens: string[];
  userIds: string[];
  guildId: string;
  channelId: string;
  registerSeconds: number;
  joinSeconds: number;
}

/** Registers `n` users (user 0 owns the guild), creates one guild and makes everyone join via one invite. */
export async function seedGuild(port: number, n: number, concurrency: number, label: string): Promise<SeededGuild> {
  const pool = await HttpPool.open(port, concurrency);
  try {
    const tokens = new Array<string>(n);
    const userIds = new Array<string>(n);
    let t = performance.now();
    await forEachConcurrent(
      n,
      concurrency,
      async (i) => {
        const a = await pool.request('POST', '/api/v9/auth/register', { username: `bench_${i}`, password: 'bench-password-1' });
        const r = expectJson<{ token: string; user_id: string }>(a, `register user ${i}`);
        tokens[i] = r.token;
        userIds[i] = r.user_id;
      },
      (done) => log(`${label}: registered ${done}/${n}`),
    );
    const registerSeconds = (performance.now() - t) / 1000;
    const guild = expectJson<{ id: string; system_channel_id: string }>(await pool.request('POST', '/api/v9/guilds', { name: 'bench guild' }, tokens[0]), 'create guild');
    const invite = expectJson<{ code: string }>(await pool.request('POST', `/api/v9/channels/${guild.system_channel_id}/invites`, { max_age: 0, max_uses: 0 }, tokens[0]), 'create invite');
    t = performance.now();
    await forEachConcurrent(
      n - 1,
      concurrency,
      async (i) => {
        expectJson(await pool.request('POST', `/api/v9/invites/${invite.code}`, {}, tokens[i + 1]), `join user ${i + 1}`);
      },
      (done) => log(`${label}: joined ${done}/${n - 1}`),
    );
    const joinSeconds = (performance.now() - t) / 1000;
    return { tokens, userIds, guildId: guild.id, channelId: guild.system_channel_id, registerSeconds, joinSeconds };
  } finally {
    pool.close();
  }
}
