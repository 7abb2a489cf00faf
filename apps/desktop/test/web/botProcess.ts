// Runs a fixture bot (an unmodified discord.js script in ./fixtures) as a child process against
// the test server, configured like a Discord bot: only the REST base URL and the token differ.
// The bot reports what it does as JSON lines on stdout. Test-only.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BotEvent {
  event: string;
  [key: string]: unknown;
}

export interface BotProcess {
  events: BotEvent[];
  /** Resolves with the first reported event (already seen or coming) that matches. */
  waitFor(event: string, predicate?: (e: BotEvent) => boolean, timeoutMs?: number): Promise<BotEvent>;
  stop(): Promise<void>;
}

export function runBotFixture(serverUrl: string, fixture: string, token: string): BotProcess {
  const child = spawn(process.execPath, [path.join(here, 'fixtures', fixture)], {
    env: { ...process.env, DISCORD_API: `${serverUrl}/api`, DISCORD_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const events: BotEvent[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
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
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => process.off('exit', killOnExit), () => undefined);

  return {
    events,
    waitFor(event, predicate = () => true, timeoutMs = 20_000) {
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
          reject(new Error(`bot did not report "${event}" within ${timeoutMs} ms; saw ${JSON.stringify(events).slice(-2000)}; stderr: ${stderr.slice(-2000)}`));
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
