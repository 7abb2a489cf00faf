// Gives every page of a Playwright browser context the desktop bridge (`window.concord`) backed by
// the real main-process IPC handlers and services: the Electron preload's stand-in for Chromium.
// Each call carries the calling frame's URL and whether it is a subframe, so the real
// IpcSenderPolicy decides exactly as it would for Electron's event.senderFrame. Test-only.
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { ALL_IPC_CHANNELS, type IpcChannelName } from '../../../src/shared/ipcChannels.ts';
import { IpcErrorCode } from '../../../src/shared/ipcResult.ts';
import type { IpcHandlerTable } from '../../../src/main/ipc/createIpcHandlers.main.ts';
import type { IpcSenderPolicy } from '../../../src/main/ipc/IpcSenderPolicy.main.ts';
import { runIpcHandler, type IpcFailureReporter } from '../../../src/main/ipc/runIpcHandler.main.ts';

const ENTRY = fileURLToPath(new URL('./bindingBridge.entry.ts', import.meta.url));

export interface ExposedBridge {
  /** The webContents-like id a page gets; trust it with policy.trustWebContents. */
  idOf(page: Page): number;
  calls: { channel: string; ok: boolean; code?: string }[];
}

/** Bundles the init script that assembles window.concord (a benchmark may bring its own entry). */
export async function bundleBridgeInitScript(info: { platform: string; version: string }, entry: string = ENTRY): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    define: { __CONCORD_BRIDGE_INFO__: JSON.stringify(info) },
    logLevel: 'warning',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no bridge init script');
  return output.text;
}

export async function exposeDesktopBridge(
  context: BrowserContext,
  options: {
    handlers: IpcHandlerTable;
    policy: IpcSenderPolicy;
    reporter: IpcFailureReporter;
    info?: { platform: string; version: string };
    /** Another entry for the init script (benchmarks); it must define window.concord itself. */
    initScriptEntry?: string;
  },
): Promise<ExposedBridge> {
  const ids = new WeakMap<Page, number>();
  let nextId = 1;
  const idOf = (page: Page) => {
    let id = ids.get(page);
    if (id === undefined) {
      id = nextId++;
      ids.set(page, id);
    }
    return id;
  };
  const calls: ExposedBridge['calls'] = [];
  // Every page this harness opens is an "app window"; Electron's main does the same for its window.
  context.on('page', (page) => options.policy.trustWebContents(idOf(page)));
  for (const page of context.pages()) options.policy.trustWebContents(idOf(page));

  await context.exposeBinding('__concordIpc', async (source, channel: unknown, args: unknown) => {
    if (typeof channel !== 'string' || !(ALL_IPC_CHANNELS as readonly string[]).includes(channel)) {
      return { ok: false, error: { code: IpcErrorCode.InvalidArguments, message: `unknown IPC channel ${String(channel)}` } };
    }
    const name = channel as IpcChannelName;
    const event = { sender: { id: idOf(source.page) }, senderFrame: { url: source.frame.url(), parent: source.frame.parentFrame() } };
    const result = await runIpcHandler(name, options.handlers[name], event, args, options.reporter);
    calls.push(result.ok ? { channel, ok: true } : { channel, ok: false, code: result.error.code });
    return result;
  });
  await context.addInitScript({ content: await bundleBridgeInitScript(options.info ?? { platform: 'linux', version: '0.1.0-e2e' }, options.initScriptEntry) });
  return { idOf, calls };
}
