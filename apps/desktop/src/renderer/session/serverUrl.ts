// Where the server is. The web client is served by the server itself, so it is the page's
// origin; the desktop app loads from a file and uses the URL the user typed on the login screen.
const SERVER_KEY = 'concord.serverUrl';

export function serverOrigin(): string {
  if (typeof location !== 'undefined' && /^https?:$/.test(location.protocol)) return location.origin;
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(SERVER_KEY) : null;
  return stored ?? 'http://127.0.0.1:8080';
}

export function needsServerUrl(): boolean {
  return typeof location === 'undefined' || !/^https?:$/.test(location.protocol);
}

export function setServerOrigin(url: string): void {
  localStorage.setItem(SERVER_KEY, new URL(url).origin);
}

export function apiBaseUrl(): string {
  return `${serverOrigin()}/api/v9`;
}

export function gatewayOrigin(): string {
  return serverOrigin().replace(/^http/, 'ws');
}

/** Attachment URLs may be relative (`/attachments/...`); resolve them against the server. */
export function resolveMediaUrl(url: string): string {
  try {
    const resolved = new URL(url, serverOrigin());
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.toString() : '';
  } catch {
    return '';
  }
}
