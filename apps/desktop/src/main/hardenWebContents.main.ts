// Locks down every webContents the app creates: navigation stays on the app, new windows are
// refused (web links go to the OS browser), <webview> cannot be attached, and only the app's own
// pages get the few permissions a chat app needs. Applied from app 'web-contents-created', so a
// webContents nobody planned for gets it too.
import { shell, type Session, type WebContents } from 'electron';
import { decideNavigation, decideWindowOpen, type NavigationDecision } from './navigationPolicy.main.ts';

/** Permissions the app's pages may have: notifications, microphone/camera for voice, clipboard, fullscreen. */
const APP_PERMISSIONS = new Set(['notifications', 'media', 'clipboard-sanitized-write', 'fullscreen']);

// Function properties, not methods: both are passed around detached from this object.
export interface HardeningOptions {
  isAppUrl: (url: string) => boolean;
  warn: (message: string) => void;
}

export function hardenWebContents(contents: WebContents, options: HardeningOptions): void {
  const apply = (event: { preventDefault(): void }, url: string, decision: NavigationDecision) => {
    if (decision.action === 'allow') return;
    event.preventDefault();
    handleDecision(url, decision, options);
  };
  contents.on('will-navigate', (event) => apply(event, event.url, decideNavigation(event.url, options.isAppUrl)));
  contents.on('will-redirect', (event) => apply(event, event.url, decideNavigation(event.url, options.isAppUrl)));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.warn('refused to attach a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    handleDecision(url, decideWindowOpen(url), options);
    return { action: 'deny' };
  });
}

export function restrictPermissions(session: Session, options: HardeningOptions): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(APP_PERMISSIONS.has(permission) && options.isAppUrl(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    APP_PERMISSIONS.has(permission) && options.isAppUrl(details.requestingUrl ?? requestingOrigin),
  );
}

function handleDecision(url: string, decision: NavigationDecision, options: HardeningOptions): void {
  switch (decision.action) {
    case 'allow':
      return;
    case 'open-external':
      shell.openExternal(decision.url).catch((error: unknown) => options.warn(`could not open ${decision.url} in the browser: ${String(error)}`));
      return;
    case 'deny':
      options.warn(`refused navigation to ${url.slice(0, 200)}: ${decision.reason}`);
      return;
    default:
      return missingCase(decision);
  }
}

function missingCase(value: never): never {
  throw new Error(`unhandled navigation decision ${JSON.stringify(value)}`);
}
