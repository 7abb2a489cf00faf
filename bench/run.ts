// `npm run bench` runs every bench in turn; `npm run bench -- <name> [options]` runs one, passing
// the options through (e.g. `npm run bench -- gateway-fanout --n 5000`). Each bench runs in its own
// process, prints one JSON object on stdout and a one-line summary on stderr, and bounds its own time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Benches run by default, in this order (files missing from this checkout are skipped). */
const BENCHES: Record<string, string> = {
  codec: 'codec.ts',
  'message-writes': 'message-writes.ts',
  'message-store': 'message-store.ts',
  'gateway-fanout': 'gateway-fanout.ts',
  voice: 'voice.ts',
  'voice-clients': 'voice-clients.ts',
  'desktop-cache': 'desktop-cache.ts',
  'desktop-paint': 'desktop-paint.ts',
  'desktop-renderer': 'desktop-renderer.ts',
  'game-scanner': 'game-scanner.ts',
  'rpc-presence': 'rpc-presence.ts',
  'video-sfu': 'video-sfu.ts',
  cluster: 'cluster.ts',
};

function runOne(file: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file), ...args], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name && !name.startsWith('--')) {
    const file = BENCHES[name] ?? (fs.existsSync(path.join(here, `${name}.ts`)) ? `${name}.ts` : null);
    if (!file) {
      process.stderr.write(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
      return 2;
    }
    return runOne(file, rest);
  }
  let failed = 0;
  for (const [bench, file] of Object.entries(BENCHES)) {
    if (!fs.existsSync(path.join(here, file))) continue;
    process.stderr.write(`\n=== bench ${bench} ===\n`);
    if ((await runOne(file, [])) !== 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
