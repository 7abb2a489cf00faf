// Startup checks: the native uWebSockets.js addon is what runs, the server refuses to start on the
// JS fallback unless told to, and bad configuration stops it with a message naming the variable.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig, uwsImplementation } from '../src/index.ts';

const root = path.resolve(import.meta.dirname, '../../..');

function runServer(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: path.join(root, 'data', 'startup-test'), LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('startup', () => {
  it('runs on the native uWebSockets.js addon', () => {
    expect(uwsImplementation()).toBe('native');
  });

  it('refuses to start on the uWebSockets.js JS fallback unless UWS_ALLOW_FALLBACK is set', () => {
    const r = runServer({ UWS_USE_FALLBACK: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('UWS_ALLOW_FALLBACK=1');
  });

  it('stops with a message naming a bad setting', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    const r = runServer({ LOG_LEVEL: 'loud' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/LOG_LEVEL/);
  });
});
