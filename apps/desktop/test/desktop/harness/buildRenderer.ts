// Builds the renderer (the renderer helper's Vite config, unchanged) into a temporary directory
// for a test run, so the desktop e2e tests neither depend on nor overwrite apps/desktop/dist/web.
// Test-only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DESKTOP_DIR = fileURLToPath(new URL('../../..', import.meta.url));
const VITE_BIN = fileURLToPath(new URL('../../../../../node_modules/vite/bin/vite.js', import.meta.url));

export function buildRenderer(outDir: string, extraArgs: readonly string[] = []): string {
  const result = spawnSync(
    process.execPath,
    [VITE_BIN, 'build', '--config', join(DESKTOP_DIR, 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn', ...extraArgs],
    { cwd: DESKTOP_DIR, encoding: 'utf8', timeout: 180_000 },
  );
  if (result.status !== 0 || !existsSync(join(outDir, 'index.html'))) {
    throw new Error(`renderer build failed (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
  return outDir;
}
