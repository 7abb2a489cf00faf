// Applications (developer portal), bot users and application commands, at Discord's paths.
import {
  ApplicationCommandBody,
  BulkApplicationCommandsBody,
  CreateApplicationBody,
  ModifyApplicationBody,
  ModifyApplicationCommandBody,
  ModifyBotBody,
} from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import { Reply, created, type AuthedContext, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

export function applicationRoutes(s: Services): RouteDef[] {
  const apps = s.applications;
  const cmds = s.commands;
  const appId = (c: AuthedContext) => c.params['application_id']!;
  const guildId = (c: AuthedContext) => c.params['guild_id']!;
  const commandId = (c: AuthedContext) => c.params['command_id']!;

  /** The routes of one command scope: global (guild null) or one guild's. */
  function commandRoutes(base: string, scope: (c: AuthedContext) => string | null): RouteDef[] {
    return [
      { method: 'GET', path: base, auth: 'required', handler: (c) => cmds.list(c.user, appId(c), scope(c)) },
      {
        method: 'POST',
        path: base,
        auth: 'required',
        rule: { limit: 200, windowMs: 86_400_000 },
        handler: async (c) => {
          const r = await cmds.create(c.user, appId(c), scope(c), parseBody(ApplicationCommandBody, c.body));
          return r.created ? created(r.command) : r.command;
        },
      },
      { method: 'PUT', path: base, auth: 'required', handler: async (c) => cmds.bulkOverwrite(c.user, appId(c), scope(c), parseBody(BulkApplicationCommandsBody, c.body)) },
      { method: 'GET', path: `${base}/:command_id`, auth: 'required', handler: (c) => cmds.getOne(c.user, appId(c), scope(c), commandId(c)) },
      {
        method: 'PATCH',
        path: `${base}/:command_id`,
        auth: 'required',
        handler: async (c) => {
          const patch = parseBody(ModifyApplicationCommandBody, c.body);
          return cmds.modify(c.user, appId(c), scope(c), commandId(c), Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
        },
      },
      {
        method: 'DELETE',
        path: `${base}/:command_id`,
        auth: 'required',
        handler: async (c) => {
          await cmds.delete(c.user, appId(c), scope(c), commandId(c));
          return undefined;
        },
      },
    ];
  }

  return [
    // Developer portal (the owner's user token)
    { method: 'GET', path: '/applications', auth: 'required', handler: (c) => apps.list(c.user) },
    { method: 'POST', path: '/applications', auth: 'required', handler: async (c) => created(await apps.create(c.user, parseBody(CreateApplicationBody, c.body))) },
    { method: 'GET', path: '/applications/@me', auth: 'required', handler: (c) => apps.current(c.user) },
    { method: 'PATCH', path: '/applications/@me', auth: 'required', handler: async (c) => apps.modify(c.user, '@me', parseBody(ModifyApplicationBody, c.body)) },
    { method: 'GET', path: '/oauth2/applications/@me', auth: 'required', handler: (c) => apps.current(c.user) },
    { method: 'GET', path: '/applications/:application_id', auth: 'required', handler: (c) => apps.getOwned(c.user, appId(c)) },
    { method: 'PATCH', path: '/applications/:application_id', auth: 'required', handler: async (c) => apps.modify(c.user, appId(c), parseBody(ModifyApplicationBody, c.body)) },
    { method: 'POST', path: '/applications/:application_id/bot', auth: 'required', handler: async (c) => created(await apps.createBot(c.user, appId(c))) },
    { method: 'PATCH', path: '/applications/:application_id/bot', auth: 'required', handler: async (c) => apps.modifyBot(c.user, appId(c), parseBody(ModifyBotBody, c.body)) },
    { method: 'POST', path: '/applications/:application_id/bot/reset', auth: 'required', rule: { limit: 5, windowMs: 60_000 }, handler: async (c) => apps.resetBotToken(c.user, appId(c)) },

    // Application commands (the bot's token)
    ...commandRoutes('/applications/:application_id/commands', () => null),
    ...commandRoutes('/applications/:application_id/guilds/:guild_id/commands', guildId),
    // Per-command permission overrides are not supported: every guild uses the defaults.
    { method: 'GET', path: '/applications/:application_id/guilds/:guild_id/commands/permissions', auth: 'required', handler: () => new Reply(200, []) },

    // The "/" picker of the client
    { method: 'GET', path: '/guilds/:guild_id/application-command-index', auth: 'required', handler: (c) => cmds.guildIndex(c.user, guildId(c)) },
  ];
}
