// The Content-Security-Policy the main process puts on every app page (webRequest.onHeadersReceived).
// Scripts only from the app itself: no inline script, no eval, no remote code; 'wasm-unsafe-eval'
// lets the app compile its own WebAssembly (RNNoise, in the voice AudioWorklet) and nothing else.
// Styles allow 'unsafe-inline' because React sets style attributes; that cannot run code.

export interface ContentSecurityPolicyOptions {
  /** The configured server/app origin (CONCORD_SERVER_URL), or null when the renderer loads from file://. */
  appOrigin: string | null;
}

/** Where a file:// renderer may connect before the user has chosen a server. */
const ANY_SERVER = ['https:', 'wss:', 'http://localhost:*', 'ws://localhost:*', 'http://127.0.0.1:*', 'ws://127.0.0.1:*'];

export function buildContentSecurityPolicy({ appOrigin }: ContentSecurityPolicyOptions): string {
  const self = appOrigin === null ? ["'self'", 'file:'] : ["'self'"];
  const servers = appOrigin === null ? ANY_SERVER : [appOrigin, appOrigin.replace(/^http/, 'ws')];
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': [...self, "'wasm-unsafe-eval'"],
    'style-src': [...self, "'unsafe-inline'"],
    'img-src': [...self, 'data:', 'blob:', 'https:', ...servers.filter((s) => s.startsWith('http'))],
    'media-src': [...self, 'blob:', ...servers.filter((s) => s.startsWith('http'))],
    'font-src': [...self, 'data:'],
    'connect-src': [...self, ...servers],
    'worker-src': [...self, 'blob:'],
    'manifest-src': self,
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${[...new Set(sources)].join(' ')}`)
    .join('; ');
}
