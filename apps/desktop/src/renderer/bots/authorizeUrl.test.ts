import { PermissionFlags } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, buildAuthorizeUrl } from './authorizeUrl.ts';

describe('authorize URL', () => {
  it('names the client, the permissions and the scopes joined with %20', () => {
    expect(buildAuthorizeUrl('https://chat.example.com/', '123', ['bot', 'applications.commands'], DEFAULT_BOT_PERMISSIONS)).toBe(
      'https://chat.example.com/oauth2/authorize?client_id=123&permissions=2147568640&scope=bot%20applications.commands',
    );
  });

  it('leaves permissions out without the bot scope', () => {
    expect(buildAuthorizeUrl('http://127.0.0.1:8080', '9', ['applications.commands'], PermissionFlags.ADMINISTRATOR)).toBe('http://127.0.0.1:8080/oauth2/authorize?client_id=9&scope=applications.commands');
  });

  it('round-trips through URLSearchParams as the consent page reads it', () => {
    const url = new URL(buildAuthorizeUrl('http://h', '1', ['bot', 'applications.commands'], PermissionFlags.ADMINISTRATOR | PermissionFlags.MODERATE_MEMBERS));
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(['bot', 'applications.commands']);
    expect(BigInt(url.searchParams.get('permissions')!)).toBe(PermissionFlags.ADMINISTRATOR | PermissionFlags.MODERATE_MEMBERS);
  });
});
