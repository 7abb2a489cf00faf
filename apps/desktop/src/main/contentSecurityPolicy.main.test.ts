import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy } from './contentSecurityPolicy.main.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split('; ').map((d) => { const [name = '', ...sources] = d.split(' '); return [name, sources]; }));
}

describe('buildContentSecurityPolicy', () => {
  it.each([null, 'https://chat.example.com'])('allows scripts only from the app, never inline or eval; WebAssembly only (app origin %s)', (appOrigin) => {
    const csp = directives(buildContentSecurityPolicy({ appOrigin }));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    for (const source of csp.get('script-src') ?? []) expect(source).toMatch(/^('self'|file:|'wasm-unsafe-eval')$/);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(buildContentSecurityPolicy({ appOrigin })).not.toMatch(/(?<!wasm-)unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('lets a server-loaded app connect only to its own server (http and websocket)', () => {
    const csp = directives(buildContentSecurityPolicy({ appOrigin: 'https://chat.example.com' }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'https://chat.example.com', 'wss://chat.example.com']);
  });

  it('lets a file:// app connect to any https server or a local one the user picks', () => {
    const csp = directives(buildContentSecurityPolicy({ appOrigin: null }));
    expect(csp.get('connect-src')).toEqual(expect.arrayContaining(['https:', 'wss:', 'http://127.0.0.1:*', 'ws://localhost:*']));
    expect(csp.get('connect-src')).not.toContain('http:');
  });
});
