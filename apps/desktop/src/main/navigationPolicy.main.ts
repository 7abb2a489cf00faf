// What the app window may navigate to and what it may open. The window only ever shows the app;
// a link to anywhere else opens in the user's browser (http/https only, checked here), and
// everything else (file:, javascript:, custom schemes, new Electron windows) is refused.

export type NavigationDecision = { action: 'allow' } | { action: 'open-external'; url: string } | { action: 'deny'; reason: string };

export const EXTERNAL_URL_MAX_LENGTH = 2048;

/** Returns the URL to hand to shell.openExternal, or null when it is not a plain web link. */
export function validateExternalUrl(url: string): string | null {
  if (url.length > EXTERNAL_URL_MAX_LENGTH) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // user:password@host links are a phishing staple and never needed to open a page.
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.hostname === '') return null;
  return parsed.href;
}

/** `will-navigate` / `will-redirect`: stay on the app, send web links to the browser, refuse the rest. */
export function decideNavigation(targetUrl: string, isAppUrl: (url: string) => boolean): NavigationDecision {
  if (isAppUrl(targetUrl)) return { action: 'allow' };
  const external = validateExternalUrl(targetUrl);
  if (external !== null) return { action: 'open-external', url: external };
  return { action: 'deny', reason: 'not the app and not an http(s) link' };
}

/** `setWindowOpenHandler`: the app never opens a second Electron window; web links go to the browser. */
export function decideWindowOpen(targetUrl: string): NavigationDecision {
  const external = validateExternalUrl(targetUrl);
  return external === null ? { action: 'deny', reason: 'not an http(s) link' } : { action: 'open-external', url: external };
}
