import { describe, expect, it } from 'vitest';
import { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';
import { APP_WEB_CONTENTS_ID, TEST_APP_URL, TEST_RENDERER_ROOT, appFileEvent, appUrlEvent, createTestPolicy, eventFrom } from './ipcTestEvents.ts';

describe('IpcSenderPolicy', () => {
  const policy = createTestPolicy();

  it('trusts the app window showing the renderer build over file://', () => {
    expect(policy.check(appFileEvent())).toEqual({ trusted: true });
    expect(policy.check(eventFrom(`file://${TEST_RENDERER_ROOT}/assets/deep/page.html?x=1`))).toEqual({ trusted: true });
  });

  it('trusts the app window showing the configured app URL, any path', () => {
    expect(policy.check(appUrlEvent())).toEqual({ trusted: true });
  });

  it.each([
    ['a foreign https origin', 'https://evil.example/'],
    ['the app host on another port', 'http://127.0.0.1:3001/'],
    ['the app URL over https instead of http', 'https://127.0.0.1:3000/'],
    ['a lookalike host', 'http://127.0.0.1:3000.evil.example/'],
    ['credentials smuggled before the host', 'http://127.0.0.1:3000@evil.example/'],
    ['a file outside the renderer build', 'file:///etc/passwd'],
    ['a sibling directory with the same prefix', `file://${TEST_RENDERER_ROOT}-evil/index.html`],
    ['a ../ escape from the renderer build', `file://${TEST_RENDERER_ROOT}/../../../../../../etc/passwd`],
    ['an encoded ../ escape', `file://${TEST_RENDERER_ROOT}/%2e%2e/%2e%2e/secret.html`],
    ['the renderer directory itself', `file://${TEST_RENDERER_ROOT}`],
    ['a file:// URL on a remote host', `file://evil.example${TEST_RENDERER_ROOT}/index.html`],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a URL that does not parse', 'http://[::1'],
    ['a 100 KB URL', `${TEST_APP_URL}/${'a'.repeat(100_000)}`],
  ])('rejects %s', (_what, url) => {
    expect(policy.check(eventFrom(url))).toMatchObject({ trusted: false });
  });

  it('rejects a subframe of the app window, even one showing the app', () => {
    expect(policy.check(eventFrom(`${TEST_APP_URL}/`, { subframe: true }))).toEqual({ trusted: false, reason: 'subframes may not call the bridge' });
  });

  it('rejects a webContents the app did not register, even at the app URL', () => {
    expect(policy.check(eventFrom(`${TEST_APP_URL}/`, { webContentsId: APP_WEB_CONTENTS_ID + 1 }))).toMatchObject({ trusted: false });
  });

  it('rejects a call whose frame is gone', () => {
    expect(policy.check({ sender: { id: APP_WEB_CONTENTS_ID }, senderFrame: null })).toMatchObject({ trusted: false });
  });

  it('stops trusting a window once it is forgotten', () => {
    const local = createTestPolicy();
    local.forgetWebContents(APP_WEB_CONTENTS_ID);
    expect(local.check(appFileEvent())).toMatchObject({ trusted: false });
  });

  it('trusts no file:// page when there is no renderer build directory, and no http page without an app URL', () => {
    const serverOnly = new IpcSenderPolicy({ rendererRoot: null, appUrl: TEST_APP_URL });
    serverOnly.trustWebContents(APP_WEB_CONTENTS_ID);
    expect(serverOnly.check(appFileEvent())).toMatchObject({ trusted: false });
    const fileOnly = new IpcSenderPolicy({ rendererRoot: TEST_RENDERER_ROOT, appUrl: null });
    fileOnly.trustWebContents(APP_WEB_CONTENTS_ID);
    expect(fileOnly.check(appUrlEvent())).toMatchObject({ trusted: false });
  });

  it('refuses to be configured with a non-http app URL', () => {
    expect(() => new IpcSenderPolicy({ rendererRoot: null, appUrl: 'javascript:alert(1)' })).toThrow(/http/);
  });
});
