// Which Chromium the browser tests and benchmarks drive, and how they launch it. A system Chromium
// is preferred when one is present (CHROMIUM_PATH, or Debian's /usr/bin/chromium); otherwise the
// headless Chromium that @sparticuz/chromium ships inside its npm package is unpacked (once, to the
// OS temp dir), so `npm install && npm test` needs no apt step and no browser download.
import Sparticuz from '@sparticuz/chromium';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless, offline Chromium: without the background-networking ones it dials Google's hosts. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let resolved: Promise<string> | null = null;

/** The Chromium binary to drive: $CHROMIUM_PATH, else the system one, else the bundled one (unpacked on first use). */
export function chromiumExecutable(): Promise<string> {
  resolved ??= resolveExecutable();
  return resolved;
}

async function resolveExecutable(): Promise<string> {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  return Sparticuz.executablePath();
}

export async function launchChromium(options: { args?: readonly string[] } & Omit<LaunchOptions, 'args' | 'executablePath'> = {}): Promise<Browser> {
  const { args = [], ...rest } = options;
  return chromium.launch({ headless: true, ...rest, executablePath: await chromiumExecutable(), args: [...CHROMIUM_ARGS, ...args] });
}
