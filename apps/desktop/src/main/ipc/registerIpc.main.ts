// Registers every IPC handler on ipcMain. Thin on purpose: the logic lives in the plain handler
// functions (tested without Electron); this file only connects them to `ipcMain.handle`.
import { ipcMain } from 'electron';
import type { IpcHandlerTable } from './createIpcHandlers.main.ts';
import { runIpcHandler, type IpcFailureReporter } from './runIpcHandler.main.ts';

/** Returns a function that removes the handlers again (window reload in development, tests). */
export function registerIpc(handlers: IpcHandlerTable, reporter: IpcFailureReporter): () => void {
  const channels = Object.keys(handlers) as (keyof IpcHandlerTable)[];
  for (const channel of channels) {
    const handler = handlers[channel];
    ipcMain.handle(channel, (event, ...args: unknown[]) => runIpcHandler(channel, handler, event, args, reporter));
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
