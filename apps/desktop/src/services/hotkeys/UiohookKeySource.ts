// The system-wide key hook on X11, Windows and macOS: uiohook-napi (libuiohook, prebuilt N-API).
// libuiohook aborts the whole process (SIGABRT, not a JS exception) when it cannot open the X
// display, so start() first runs the hook once in a child process (Electron as Node through
// ELECTRON_RUN_AS_NODE) and only starts it here when the child came back clean.
// uiohook-napi is loaded at runtime, not bundled: it finds its .node file next to its own
// package (node-gyp-build), so the packaged app ships it in node_modules.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { UiohookKeyboardEvent, uIOhook as UiohookInstance } from 'uiohook-napi';

export interface KeySourceListener {
  keyDown(keycode: number): void;
  keyUp(keycode: number): void;
}

export type KeySourceStart = { ok: true } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 5_000;
const runtimeRequire = createRequire((import.meta as { url?: string }).url ?? __filename);

export class UiohookKeySource {
  private hook: typeof UiohookInstance | null = null;
  private readonly onKeyDown = (e: UiohookKeyboardEvent) => this.listener?.keyDown(e.keycode);
  private readonly onKeyUp = (e: UiohookKeyboardEvent) => this.listener?.keyUp(e.keycode);
  private listener: KeySourceListener | null = null;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async start(listener: KeySourceListener): Promise<KeySourceStart> {
    if (this.hook !== null) return { ok: true };
    let modulePath: string;
    try {
      modulePath = runtimeRequire.resolve('uiohook-napi');
    } catch (error) {
      return { ok: false, reason: `uiohook-napi is not installed (${String(error)})` };
    }
    const probe = await probeHook(modulePath, this.env);
    if (!probe.ok) return probe;
    try {
      const { uIOhook } = runtimeRequire(modulePath) as typeof import('uiohook-napi');
      this.listener = listener;
      uIOhook.on('keydown', this.onKeyDown);
      uIOhook.on('keyup', this.onKeyUp);
      uIOhook.start();
      this.hook = uIOhook;
      return { ok: true };
    } catch (error) {
      this.listener = null;
      return { ok: false, reason: `the key hook did not start: ${String(error)}` };
    }
  }

  stop(): void {
    const hook = this.hook;
    if (hook === null) return;
    this.hook = null;
    this.listener = null;
    hook.off('keydown', this.onKeyDown);
    hook.off('keyup', this.onKeyUp);
    hook.stop();
  }
}

/** Starts and stops the hook once in a child process; a crash there is a clean "unavailable" here. */
function probeHook(modulePath: string, env: NodeJS.ProcessEnv): Promise<KeySourceStart> {
  const script = `const { uIOhook } = require(${JSON.stringify(modulePath)}); uIOhook.start(); uIOhook.stop(); process.stdout.write('hook-ok');`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `could not run the key hook probe: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && stdout.includes('hook-ok')) return resolve({ ok: true });
      const detail = stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
      resolve({ ok: false, reason: `the key hook cannot start here (${signal ?? `exit ${String(code)}`}${detail === '' ? '' : `: ${detail}`})` });
    });
  });
}
