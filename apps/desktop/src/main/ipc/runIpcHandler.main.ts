// Runs one handler call and turns its outcome into the envelope sent back to the renderer.
// Expected refusals (IpcError) go back with their code; anything else is a bug or an environment
// failure: it is reported with its stack in the main process and the renderer only learns INTERNAL.
import { IpcErrorCode, type IpcResult } from '../../shared/ipcResult.ts';
import { IpcError } from './IpcError.main.ts';
import type { IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderEvent } from './IpcSenderPolicy.main.ts';

export interface IpcFailureReporter {
  /** A call refused on purpose; forbidden senders are worth a security log line. */
  refused(channel: string, error: IpcError): void;
  /** A handler threw something unexpected. */
  failed(channel: string, error: unknown): void;
}

export async function runIpcHandler(
  channel: string,
  handler: IpcHandler,
  event: IpcSenderEvent,
  rawArgs: unknown,
  reporter: IpcFailureReporter,
): Promise<IpcResult<unknown>> {
  try {
    return { ok: true, value: await handler(event, rawArgs) };
  } catch (error) {
    if (error instanceof IpcError) {
      reporter.refused(channel, error);
      return { ok: false, error: error.toPayload() };
    }
    reporter.failed(channel, error);
    return { ok: false, error: { code: IpcErrorCode.Internal, message: `${channel}: internal error (see the main process log)` } };
  }
}
