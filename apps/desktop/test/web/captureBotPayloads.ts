// Captures real bot-platform payloads for the renderer's decoder tests: runs the server and the
// fixture discord.js bot, then records what the client receives (the command index, interaction
// answers with autocomplete choices and a modal, a message with components and
// interaction_metadata). Run: node --import tsx apps/desktop/test/web/captureBotPayloads.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConcordApi } from '@concord/client';
import { ApplicationFlags, ChannelType, PermissionFlags } from '@concord/protocol';
import { runBotFixture } from './botProcess.ts';
import { REPO_ROOT, registerViaApi, startTestServer } from './harness.ts';

const OUT = path.join(REPO_ROOT, 'apps/desktop/src/renderer/bots/fixtures/botPayloads.json');

async function main(): Promise<void> {
  const server = await startTestServer(path.join(REPO_ROOT, 'apps/desktop/dist/web'));
  const owner = await registerViaApi(server.url, 'capture_owner');
  const api = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: owner.token });
  const guild = await api.createGuild({ name: 'Capture' });
  const general = (await api.getChannels(guild.id)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id;
  const app = await api.createApplication({ name: 'Dice Bot' });
  const { token } = await api.createBot(app.id);
  await api.modifyApplication(app.id, { flags: ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED });
  await api.authorizeBot(app.id, guild.id, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.USE_APPLICATION_COMMANDS);
  const bot = runBotFixture(server.url, 'dice-bot.mjs', token);
  try {
    await bot.waitFor('commands');
    const application = await api.rest.get<unknown>(`/applications/${app.id}`);
    const commandIndex = await api.rest.get<{ application_commands: { id: string; name: string; version: string }[] }>(`/guilds/${guild.id}/application-command-index`);
    const cmd = (name: string) => commandIndex.application_commands.find((c) => c.name === name)!;
    const base = { application_id: app.id, channel_id: general, guild_id: guild.id };
    const roll = cmd('roll');
    const rollResult = await api.createInteraction({ ...base, type: 2, data: { id: roll.id, name: 'roll', type: 1, options: [{ name: 'sides', type: 4, value: 6 }] } });
    const answered = await bot.waitFor('roll-answered');
    const rollMessage = await api.getMessage(general, String(answered['message']));
    const fruit = cmd('fruit');
    const autocomplete = await api.createInteraction({ ...base, type: 4, data: { id: fruit.id, name: 'fruit', type: 1, options: [{ name: 'name', type: 3, value: 'ap', focused: true }] } });
    const modal = await api.createInteraction({ ...base, type: 3, message_id: rollMessage.id, data: { component_type: 2, custom_id: 'note' } });
    let invalid: unknown = null;
    try {
      await api.createInteraction({ ...base, type: 2, data: { id: roll.id, name: 'roll', type: 1, options: [{ name: 'sides', type: 4, value: 500 }] } });
    } catch (err) {
      invalid = { code: (err as { code?: unknown }).code, errors: (err as { errors?: unknown }).errors };
    }
    writeFileSync(OUT, `${JSON.stringify({ application, commandIndex, rollResult, rollMessage, autocomplete, modal, invalid }, null, 2)}\n`);
    console.log(`wrote ${path.relative(REPO_ROOT, OUT)}`);
  } finally {
    await bot.stop();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
