// Decides whether an IPC call comes from the app's own renderer. A call is trusted only when the
// webContents is one the main process created for the app (registered by id) AND the calling frame
// is that webContents' main frame showing the app: a file under the renderer build directory, or a
// page of the configured app origin (CONCORD_SERVER_URL). Everything else (subframes, a window that
// navigated elsewhere, a webContents we never registered) is refused.
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of Electron's IpcMainInvokeEvent the policy reads; handlers take this, not Electron's type. */
export interface IpcSenderEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcSenderPolicyOptions {
  /** Absolute directory of the renderer build loaded over file:// (dist/web), or null. */
  rendererRoot: string | null;
  /** The configured app URL (CONCORD_SERVER_URL) whose origin may call, or null. */
  appUrl: string | null;
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

const MAX_URL_LENGTH = 8192;

export class IpcSenderPolicy {
  private readonly trustedWebContentsIds = new Set<number>();
  private readonly rendererRoot: string | null;
  private readonly appOrigin: string | null;

  constructor(options: IpcSenderPolicyOptions) {
    this.rendererRoot = options.rendererRoot === null ? null : resolve(options.rendererRoot);
    this.appOrigin = options.appUrl === null ? null : httpOrigin(options.appUrl);
    if (options.appUrl !== null && this.appOrigin === null) throw new Error(`app URL must be http(s): ${options.appUrl}`);
  }

  /** Called by the main process for each window it creates for the app; undone when it closes. */
  trustWebContents(id: number): void {
    this.trustedWebContentsIds.add(id);
  }

  forgetWebContents(id: number): void {
    this.trustedWebContentsIds.delete(id);
  }

  check(event: IpcSenderEvent): SenderVerdict {
    if (!this.trustedWebContentsIds.has(event.sender.id)) return { trusted: false, reason: `webContents ${event.sender.id} is not an app window` };
    const frame = event.senderFrame;
    if (frame === null) return { trusted: false, reason: 'the sending frame is gone' };
    if (frame.parent !== null) return { trusted: false, reason: 'subframes may not call the bridge' };
    return this.checkUrl(frame.url);
  }

  checkUrl(url: string): SenderVerdict {
    if (url.length > MAX_URL_LENGTH) return { trusted: false, reason: 'frame URL is too long' };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { trusted: false, reason: 'frame URL does not parse' };
    }
    if (parsed.protocol === 'file:') {
      if (this.rendererRoot === null) return { trusted: false, reason: 'file:// pages are not the app in this configuration' };
      if (parsed.host !== '') return { trusted: false, reason: 'file:// URL names a remote host' };
      let path: string;
      try {
        path = fileURLToPath(parsed);
      } catch {
        return { trusted: false, reason: 'file:// URL is not a local path' };
      }
      const inside = relative(this.rendererRoot, path);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
        return { trusted: false, reason: 'file is outside the renderer build' };
      }
      return { trusted: true };
    }
    if (this.appOrigin !== null && httpOrigin(url) === this.appOrigin) return { trusted: true };
    return { trusted: false, reason: `origin ${parsed.protocol === 'file:' ? 'file://' : parsed.origin} is not the app` };
  }
}

function httpOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
