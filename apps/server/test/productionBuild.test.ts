// The production build (`npm start`): build.mjs bundles the server into one ESM file that plain Node
// runs with source maps and no TypeScript loader; the bundle starts, listens and answers /healthz,
// and finds the web client where the source does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const serverDir = path.resolve(import.meta.dirname, '..');
const webRoot = path.resolve(serverDir, '../desktop/dist/web');
// One level below apps/server, like dist/, so import.meta.url-relative paths resolve as in dist/.
const outdir = fs.mkdtempSync(path.join(serverDir, 'dist-test-'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-build-'));
const ListeningLine = z.object({ msg: z.string().startsWith('Concord listening'), port: z.number().int(), webRoot: z.string().nullable() });

let child: ChildProcess | undefined;
let listening: z.infer<typeof ListeningLine>;

function waitForListening(proc: ChildProcess): Promise<z.infer<typeof ListeningLine>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`compiled server did not log 'Concord listening' within 10 s; stderr: ${stderr}`)), 10_000);
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          continue; // not a log line
        }
        const parsed = ListeningLine.safeParse(json);
        if (parsed.success) {
          clearTimeout(timer);
          resolve(parsed.data);
        }
      }
    });
    proc.on('exit', (code) => reject(new Error(`compiled server exited with ${String(code)} before listening; stderr: ${stderr}`)));
  });
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, [path.join(serverDir, 'build.mjs'), outdir], { encoding: 'utf8', timeout: 15_000 });
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
  child = spawn(process.execPath, ['--enable-source-maps', path.join(outdir, 'main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', WEB_ROOT: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  listening = await waitForListening(child);
}, 20_000);

afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('production build', () => {
  it('bundles the workspace packages and leaves only installed packages and node: builtins as imports', () => {
    const bundle = fs.readFileSync(path.join(outdir, 'main.js'), 'utf8');
    const imported = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imported).toContain('uWebSockets.js');
    expect(imported.filter((s) => s?.startsWith('.') || s?.startsWith('@concord/') || s?.endsWith('.ts'))).toEqual([]);
  });

  it('writes a source map that points back at the TypeScript sources', () => {
    const map: unknown = JSON.parse(fs.readFileSync(path.join(outdir, 'main.js.map'), 'utf8'));
    const sources = z.object({ sources: z.array(z.string()) }).parse(map).sources.map((s) => path.resolve(outdir, s));
    expect(sources).toContain(path.join(serverDir, 'src/main.ts'));
    expect(sources).toContain(path.resolve(serverDir, '../../packages/protocol/src/snowflake.ts'));
    for (const source of sources) expect(fs.existsSync(source), source).toBe(true);
  });

  it('runs on plain node and answers /healthz with 200', async () => {
    const res = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('looks for the web client in apps/desktop/dist/web, as the source does', () => {
    // The server logs the web root only when it exists; `npm run build:web` creates it.
    expect(listening.webRoot).toBe(fs.existsSync(webRoot) ? webRoot : null);
  });
});
