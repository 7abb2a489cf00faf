import { describe, expect, it } from 'vitest';
import { createTestPolicy, TEST_APP_URL, TEST_RENDERER_ROOT } from './ipc/ipcTestEvents.ts';
import { decideNavigation, decideWindowOpen, validateExternalUrl } from './navigationPolicy.main.ts';

const policy = createTestPolicy();
const isAppUrl = (url: string) => policy.checkUrl(url).trusted;

describe('navigation policy', () => {
  it('lets the window move within the app', () => {
    expect(decideNavigation(`file://${TEST_RENDERER_ROOT}/index.html#/channels/1`, isAppUrl)).toEqual({ action: 'allow' });
    expect(decideNavigation(`${TEST_APP_URL}/login`, isAppUrl)).toEqual({ action: 'allow' });
  });

  it('sends web links to the OS browser instead of navigating', () => {
    expect(decideNavigation('https://example.com/some/page?q=1', isAppUrl)).toEqual({ action: 'open-external', url: 'https://example.com/some/page?q=1' });
    expect(decideWindowOpen('http://example.com')).toEqual({ action: 'open-external', url: 'http://example.com/' });
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'smb://attacker/share',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/etc/passwd',
    'https://user:pass@bank.example/login',
    `https://example.com/${'a'.repeat(5000)}`,
    'not a url',
  ])('refuses %s for navigation and for new windows', (url) => {
    expect(decideNavigation(url, isAppUrl).action).toBe('deny');
    expect(decideWindowOpen(url).action).toBe('deny');
  });

  it('never opens the app itself in a new Electron window', () => {
    expect(decideWindowOpen(`file://${TEST_RENDERER_ROOT}/index.html`).action).toBe('deny');
  });

  it('normalises what it hands to the browser', () => {
    expect(validateExternalUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
  });
});
