// `npm run presence`: runs the presence agent until interrupted. The server comes from
// CONCORD_SERVER, the account's token from CONCORD_TOKEN (never from the command line, where other
// users of the machine could read it in the process list); without a token it asks for email and
// password on the terminal and logs in. CONCORD_SETTINGS_FILE points at a desktop settings.json
// (activity sharing, hidden and registered games); without it the defaults apply. Game detection
// runs here too (the same scanner as the desktop app), its list cached under CONCORD_DATA_DIR
// (default ~/.cache/concord-presence).
import { ConcordApi } from '@concord/client';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { DEFAULT_SETTINGS, SettingsStore } from '../settings/SettingsStore.ts';
import { DETECTED_GAMES_SOURCE, detectedGameActivities } from '../detection/detectedGameActivities.ts';
import { startGameDetection } from '../detection/startGameDetection.ts';
import { startPresenceAgent } from './PresenceAgent.ts';

const EnvSchema = z.object({
  CONCORD_SERVER: z.string().url().default('http://127.0.0.1:8080'),
  CONCORD_TOKEN: z.string().min(1).optional(),
  CONCORD_SETTINGS_FILE: z.string().min(1).optional(),
  CONCORD_DATA_DIR: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const env = EnvSchema.safeParse(process.env);
  if (!env.success) throw new Error(`presence agent: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const serverUrl = env.data.CONCORD_SERVER.replace(/\/$/, '');
  const token = env.data.CONCORD_TOKEN ?? (await logIn(serverUrl));
  const settings = env.data.CONCORD_SETTINGS_FILE === undefined ? DEFAULT_SETTINGS : new SettingsStore({ filePath: env.data.CONCORD_SETTINGS_FILE }).get();
  const agent = await startPresenceAgent({
    serverUrl,
    token,
    settings,
    warn: (message) => console.warn(`[presence] ${message}`),
    onActivities: (activities) => console.log(`[presence] sharing ${activities.length === 0 ? 'nothing' : activities.map((a) => a.name).join(', ')}`),
  });
  const warn = (message: string) => console.warn(`[presence] ${message}`);
  const detector = await startGameDetection({ serverUrl, dataDir: env.data.CONCORD_DATA_DIR ?? join(homedir(), '.cache', 'concord-presence'), games: () => settings.games, warn });
  detector?.on('change', (running) => agent.hub.setSource(DETECTED_GAMES_SOURCE, detectedGameActivities(running)));
  console.log(`[presence] signed in as ${agent.user.username}; games connect to ${agent.rpc.ipcPath}${agent.rpc.wsPort === null ? '' : ` and ws://127.0.0.1:${agent.rpc.wsPort}`}`);
  const stop = () => {
    detector?.stop();
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[presence] could not stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function logIn(serverUrl: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error('presence agent: set CONCORD_TOKEN (no terminal to log in on)');
  let muted = false;
  const output = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const login = await rl.question(`Email or username for ${serverUrl}: `);
    process.stdout.write('Password: ');
    muted = true;
    const password = await rl.question('');
    muted = false;
    process.stdout.write('\n');
    const { token } = await new ConcordApi({ baseUrl: `${serverUrl}/api/v9`, token: null }).login({ login, password });
    return token;
  } finally {
    rl.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
