// The OAuth2 URL generator of the developer portal: `/oauth2/authorize?client_id=..&scope=..
// &permissions=..` on the user's server, the consent page where someone with Manage Server adds
// the bot. Scopes are joined with %20 (Discord's form); permissions only matter with `bot`.
import { PermissionFlags } from '@concord/protocol';

export const AUTHORIZE_SCOPES = [
  { scope: 'bot', description: 'Adds the bot user to a server, with the permissions below.' },
  { scope: 'applications.commands', description: 'Lets the application offer slash commands in that server.' },
] as const;

export type AuthorizeScope = (typeof AUTHORIZE_SCOPES)[number]['scope'];

export function buildAuthorizeUrl(origin: string, clientId: string, scopes: readonly string[], permissions: bigint): string {
  const params = [`client_id=${encodeURIComponent(clientId)}`];
  if (scopes.includes('bot')) params.push(`permissions=${permissions.toString()}`);
  params.push(`scope=${scopes.map(encodeURIComponent).join('%20')}`);
  return `${origin.replace(/\/+$/, '')}/oauth2/authorize?${params.join('&')}`;
}

/** What a new bot usually needs: read and send in channels, embeds, history, and its commands. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.EMBED_LINKS | PermissionFlags.READ_MESSAGE_HISTORY | PermissionFlags.USE_APPLICATION_COMMANDS;
