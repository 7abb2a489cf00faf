// The server serves the built web client at /: index.html (with a CSP) for client-side routes,
// assets also under nested routes (the build uses relative URLs so Electron can load it from
// file://), and nothing outside the web root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
let webRoot: string;
beforeAll(async () => {
  webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-web-'));
  fs.mkdirSync(path.join(webRoot, 'assets'));
  fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Concord</title><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'console.log("app")');
  t = await startTestServer({ WEB_ROOT: webRoot });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(webRoot, { recursive: true, force: true });
});

describe('web client hosting', () => {
  it('serves index.html with a Content-Security-Policy at / and on client-side routes', async () => {
    for (const route of ['/', '/channels/@me', '/invite/abc123']) {
      const res = await fetch(`${t.server.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).toContain('<title>Concord</title>');
    }
  });

  it('serves assets with their type, also when asked relative to a nested route', async () => {
    for (const route of ['/assets/app.js', '/invite/abc123/assets/app.js', '/channels/1/2/assets/app.js']) {
      const res = await fetch(`${t.server.url}${route}`);
      expect(res.headers.get('content-type'), route).toContain('text/javascript');
      expect(await res.text()).toBe('console.log("app")');
    }
  });

  it('never serves files outside the web root', async () => {
    const res = await fetch(`${t.server.url}/..%2F..%2F..%2Fetc%2Fpasswd`);
    expect(await res.text()).not.toContain('root:');
  });
});
