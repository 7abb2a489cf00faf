// The bot platform's state survives a restart: applications and bot tokens, privileged-intent
// flags, commands, webhooks, auto moderation rules and the audit log are stored in SQLite.
import { AuditLogEvent, ApplicationFlags, GatewayIntents, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { guildWithMember, rawSocket, registerUser, startTestServer, eventually, type TestServer } from '../harness.ts';
import { authorizeBot, botClient, createBotApplication, restError } from './botHarness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

it('keeps applications, bot tokens, flags, commands, webhooks, automod rules and the audit log across a restart', async () => {
  const owner = await registerUser(t);
  const member = await registerUser(t);
  const { guild, general } = await guildWithMember(owner, member);
  const bot = await createBotApplication(owner, 'Durable', ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED);
  await authorizeBot(owner, bot, guild.id, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES);
  const command = await botClient(t, bot.token).rest.post<{ id: string }>(`/applications/${bot.applicationId}/commands`, { name: 'ping', description: 'Ping' });
  const hook = await owner.api.rest.post<{ id: string; token: string }>(`/channels/${general}/webhooks`, { name: 'Hook' });
  await owner.api.rest.post(`/guilds/${guild.id}/auto-moderation/rules`, { name: 'Words', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter: ['forbidden'] }, actions: [{ type: 1 }], enabled: true });

  await t.restart();
  // New clients: the restarted server listens on a new port.
  const ownerApi = t.api(owner.token);
  const memberApi = t.api(member.token);

  const api = botClient(t, bot.token);
  expect((await api.me()).id).toBe(bot.userId);
  expect((await api.rest.get<{ flags: number }>('/applications/@me')).flags).toBe(ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED);
  expect((await api.rest.get<{ id: string }[]>(`/applications/${bot.applicationId}/commands`)).map((c) => c.id)).toEqual([command.id]);
  expect((await t.api().rest.post<{ author: { username: string } }>(`/webhooks/${hook.id}/${hook.token}?wait=true`, { content: 'still here' })).author.username).toBe('Hook');
  expect((await restError(memberApi.sendMessage(general, 'a forbidden word'))).code).toBe(200000);
  const log = await ownerApi.rest.get<{ audit_log_entries: { action_type: number }[] }>(`/guilds/${guild.id}/audit-logs`);
  expect(log.audit_log_entries.map((e) => e.action_type)).toEqual(expect.arrayContaining([AuditLogEvent.BOT_ADD, AuditLogEvent.WEBHOOK_CREATE, AuditLogEvent.AUTO_MODERATION_RULE_CREATE]));
  // The privileged intent is still allowed on the gateway.
  const { ws, messages } = rawSocket(t, 'v=10&encoding=json');
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: GatewayIntents.GUILDS | GatewayIntents.MESSAGE_CONTENT, properties: {} } }));
  await eventually(() => messages.some((m) => String(m).includes('"READY"')), 'READY after the restart');
  ws.close();
});
