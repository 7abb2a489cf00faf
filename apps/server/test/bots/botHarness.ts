// Helpers for the bot tests: applications with bot users made through the developer-portal API,
// OAuth2 authorization into a guild, and unmodified discord.js bots run as child processes that
// report what they see as JSON lines.
import { ConcordApi, RestError } from '@concord/client';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer, TestUser } from '../harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The RestError a request fails with (fails the test if it succeeds). */
export async function restError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

/** A REST client authenticating as a bot (`Authorization: Bot <token>`). */
export function botClient(t: TestServer, token: string, version = 10): ConcordApi {
  return new ConcordApi({ baseUrl: `${t.server.url}/api/v${version}`, token, tokenType: 'Bot' });
}

export interface TestBot {
  applicationId: string;
  userId: string;
  token: string;
}

/** POST /applications, POST /applications/:id/bot, then PATCH flags (privileged intents), through the SDK. */
export async function createBotApplication(owner: TestUser, name: string, flags = 0): Promise<TestBot> {
  const app = await owner.api.createApplication({ name });
  const bot = await owner.api.createBot(app.id);
  if (flags) await owner.api.modifyApplication(app.id, { flags });
  return { applicationId: app.id, userId: bot.user.id, token: bot.token };
}

/** What the OAuth2 consent page posts: adds the bot to the guild with a managed role. */
export async function authorizeBot(owner: TestUser, bot: TestBot, guildId: string, permissions: bigint): Promise<void> {
  await owner.api.authorizeBot(bot.applicationId, guildId, permissions);
}

export interface BotEvent {
  event: string;
  [key: string]: unknown;
}

export interface BotProcess {
  events: BotEvent[];
  /** Resolves with the first reported event (already seen or coming) that matches. */
  waitFor(event: string, predicate?: (e: BotEvent) => boolean, timeoutMs?: number): Promise<BotEvent>;
  stop(): Promise<void>;
  stderr(): string;
}

/** Runs a fixture bot configured like a Discord bot: only the API base URL and the token differ. */
export function runBot(t: TestServer, fixture: string, token: string): BotProcess {
  const child: ChildProcess = spawn(process.execPath, [path.join(here, 'fixtures', fixture)], {
    env: { ...process.env, DISCORD_API: `${t.server.url}/api`, DISCORD_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: BotEvent[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as BotEvent);
      } catch {
        stderr += `[stdout] ${line}\n`;
      }
      for (const l of [...listeners]) l();
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    events,
    stderr: () => stderr,
    waitFor(event, predicate = () => true, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((e) => e.event === event && predicate(e));
          if (!found) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`bot did not report "${event}" within ${timeoutMs} ms; saw ${JSON.stringify(events).slice(-3000)}; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        if (!check()) listeners.add(check);
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
