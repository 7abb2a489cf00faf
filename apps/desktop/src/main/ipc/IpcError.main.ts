// The one error type IPC handlers throw on purpose. It carries a code from IpcErrorCode and, for
// malformed arguments, the path of each offending argument; runIpcHandler turns it into the
// `{ok: false, error}` envelope the preload rethrows in the renderer.
import type { ZodError } from 'zod';
import { IpcErrorCode, type IpcErrorCodeValue, type IpcErrorPayload, type IpcIssue } from '../../shared/ipcResult.ts';

export class IpcError extends Error {
  override readonly name = 'IpcError';
  constructor(
    readonly code: IpcErrorCodeValue,
    message: string,
    readonly issues: readonly IpcIssue[] = [],
  ) {
    super(message);
  }

  static forbiddenSender(channel: string, reason: string): IpcError {
    return new IpcError(IpcErrorCode.ForbiddenSender, `${channel}: sender rejected (${reason})`);
  }

  static invalidArguments(channel: string, error: ZodError): IpcError {
    const issues = error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return new IpcError(IpcErrorCode.InvalidArguments, `${channel}: invalid arguments`, issues);
  }

  toPayload(): IpcErrorPayload {
    return this.issues.length > 0 ? { code: this.code, message: this.message, issues: [...this.issues] } : { code: this.code, message: this.message };
  }
}
