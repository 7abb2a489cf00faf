import { describe, expect, it } from 'vitest';
import { readDesktopConfig } from './desktopConfig.main.ts';

describe('readDesktopConfig', () => {
  it('defaults to the bundled renderer and the standard user data directory', () => {
    expect(readDesktopConfig({})).toEqual({ serverUrl: null, userDataDir: null });
    expect(readDesktopConfig({ CONCORD_SERVER_URL: '' })).toEqual({ serverUrl: null, userDataDir: null });
  });

  it('reads a server URL and a user data directory', () => {
    expect(readDesktopConfig({ CONCORD_SERVER_URL: 'http://127.0.0.1:3000', CONCORD_USER_DATA_DIR: '/tmp/p2' })).toEqual({
      serverUrl: 'http://127.0.0.1:3000',
      userDataDir: '/tmp/p2',
    });
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'chat.example.com'])('stops with a message naming the variable for CONCORD_SERVER_URL=%s', (url) => {
    expect(() => readDesktopConfig({ CONCORD_SERVER_URL: url })).toThrow(/CONCORD_SERVER_URL/);
  });
});
