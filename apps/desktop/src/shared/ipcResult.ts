// What crosses the IPC boundary back to the renderer. Electron flattens an Error thrown in an
// `ipcMain.handle` handler to a bare message string, so handlers' typed errors travel as data in
// this envelope and the preload turns them back into a `BridgeError`-shaped Error.

export const IpcErrorCode = {
  /** The call came from a frame or webContents the app does not own (subframe, other origin). */
  ForbiddenSender: 'FORBIDDEN_SENDER',
  /** An argument did not match the channel's schema (wrong type, too large, unsafe keys). */
  InvalidArguments: 'INVALID_ARGUMENTS',
  /** The service failed unexpectedly; details are logged in the main process, not sent. */
  Internal: 'INTERNAL',
} as const;
export type IpcErrorCodeValue = (typeof IpcErrorCode)[keyof typeof IpcErrorCode];

export interface IpcIssue {
  /** Dotted path into the argument list: `1.3.channel_id` is the 4th message of argument 1. */
  path: string;
  message: string;
}

export interface IpcErrorPayload {
  code: IpcErrorCodeValue;
  message: string;
  issues?: IpcIssue[];
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcErrorPayload };

const CODE_PREFIX = /^\[(FORBIDDEN_SENDER|INVALID_ARGUMENTS|INTERNAL)\] /;

/**
 * The message a bridge error carries to the renderer: `[CODE] text`. contextBridge copies only an
 * Error's message across worlds (custom properties are dropped), so the code lives in the text.
 */
export function formatBridgeErrorMessage(error: IpcErrorPayload): string {
  const details = error.issues?.length ? `: ${error.issues.map((i) => `${i.path || '(args)'} ${i.message}`).join('; ')}` : '';
  return `[${error.code}] ${error.message}${details}`;
}

/** Reads the code back out of an error thrown by the bridge, or null for any other error. */
export function bridgeErrorCode(error: unknown): IpcErrorCodeValue | null {
  if (!(error instanceof Error)) return null;
  const match = CODE_PREFIX.exec(error.message);
  const code = match?.[1];
  switch (code) {
    case IpcErrorCode.ForbiddenSender:
    case IpcErrorCode.InvalidArguments:
    case IpcErrorCode.Internal:
      return code;
    default:
      return null;
  }
}
