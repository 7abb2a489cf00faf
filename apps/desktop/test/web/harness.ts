// Test harness for the web client e2e suites: builds the renderer with Vite, runs the real
// server as a child process on a free port with a temporary DATA_DIR serving that build, and
// launches Debian's Chromium through playwright-core. Test-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../../..');
export const DESKTOP_ROOT = path.resolve(here, '../..');
export const WEB_ROOT = path.join(DESKTOP_ROOT, 'dist/web');

let built: Promise<string> | null = null;

/**
 * Builds the web client once per test process into its own temporary directory (test files run
 * in parallel processes, and none of them may clobber another's build or `dist/web`).
 * CONCORD_SKIP_WEB_BUILD=1 serves the existing `dist/web` instead. Resolves to the web root.
 */
export function buildWebClient(): Promise<string> {
  if (process.env['CONCORD_SKIP_WEB_BUILD'] === '1' && existsSync(path.join(WEB_ROOT, 'index.html'))) return Promise.resolve(WEB_ROOT);
  built ??= (async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'concord-web-build-'));
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build; test
    // what ships instead.
    const nodeEnv = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      await build({ configFile: path.join(DESKTOP_ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
    } finally {
      if (nodeEnv === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = nodeEnv;
    }
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    return outDir;
  })();
  return built;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Runs `apps/server/src/main.ts` as its own process, so a test can stop it and start it again. */
export async function startTestServer(webRoot: string, env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'concord-web-e2e-'));
  let port = await freePort();
  let child: ChildProcess | null = null;
  let output = '';

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'apps/server/src/main.ts')], {
        cwd: REPO_ROOT,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot, RATE_LIMITS: 'off', LOG_LEVEL: 'warn', VOICE_PORT: '0', VOICE_UDP_PORT: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      // A test process that dies without afterAll must not leave its server running.
      const killOnExit = () => proc.kill('SIGKILL');
      process.once('exit', killOnExit);
      proc.once('exit', () => process.off('exit', killOnExit));
      const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${output}`)), 20_000);
      const poll = setInterval(() => {
        fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => {
            if (!r.ok) return;
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          })
          .catch(() => undefined);
      }, 100);
      proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
      proc.once('exit', (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output}`));
      });
    });

  const stop = async () => {
    const proc: ChildProcess | null = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };

  // freePort() closes its probe before the server binds: in a full parallel run another process can
  // take the port in between. The first start then picks another (a restart keeps its port).
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (e) {
      if (attempt >= 3 || !output.includes('cannot listen')) throw e;
      port = await freePort();
      output = '';
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    stop,
    restart: launch,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The system Chromium when present, else the one bundled in @sparticuz/chromium (see @concord/testkit). */
export { launchChromium } from '@concord/testkit';

export interface UserPage {
  context: BrowserContext;
  page: Page;
  username: string;
  errors: string[];
}

/** A fresh browser context (its own localStorage) at 1280x800, collecting page errors. */
export async function openUserPage(browser: Browser, url: string, username: string): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { context, page, username, errors };
}

export async function registerThroughUi(u: UserPage, password = 'correct-horse-9'): Promise<void> {
  const { page } = u;
  await page.click('[data-testid=goto-register]');
  await page.fill('[data-testid=register-username]', u.username);
  await page.fill('[data-testid=register-password]', password);
  await page.click('[data-testid=register-submit]');
  await page.waitForSelector('[data-testid=server-rail]');
  await page.waitForSelector(`[data-testid=self-name]:text-is("${u.username}")`);
}

/** Sends a message through the composer of the open channel. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.locator('[data-testid=composer]');
  await composer.click();
  await composer.fill(text);
  await composer.press('Enter');
}

export function messageWithText(page: Page, text: string) {
  return page.locator('[data-testid=message]', { has: page.locator('[data-testid=message-content]', { hasText: text }) });
}

// A real PNG (RGB gradient) so the server can read its size and the browser can decode it.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
export function makePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = Math.round((x / width) * 255);
      raw[row + 2 + x * 3] = Math.round((y / height) * 255);
      raw[row + 3 + x * 3] = 200;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Registers through the REST API (faster than the UI when the sign-up is not under test). */
export async function registerViaApi(serverUrl: string, username: string, password = 'correct-horse-9'): Promise<{ token: string; id: string }> {
  const res = await fetch(`${serverUrl}/api/v9/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; user_id: string };
  return { token: body.token, id: body.user_id };
}

/** A page that boots already signed in with `token` (as after a previous login). */
export async function openSignedInPage(browser: Browser, url: string, username: string, token: string): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((t: string) => {
    if (!localStorage.getItem('concord.token')) localStorage.setItem('concord.token', t);
  }, token);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('[data-testid=server-rail]');
  return { context, page, username, errors };
}
