// Real objects for the fuzz cases to point at (a guild, channels, a message with a file, a role, a
// bot with a command, a webhook, an invite, an auto-moderation rule, a DM), made through the SDK.
// Fuzz cases run as the owner too, so they delete and revoke things: fixturesHealthy() notices and
// the suites build a fresh set.
import { ConcordApi } from '@concord/client';
import type { APIApplicationCommand, APIChannel } from '@concord/protocol';

export interface FuzzUser {
  id: string;
  token: string;
}

export interface Fixtures {
  owner: FuzzUser;
  member: FuzzUser;
  /** More guild members, for gateway sessions (IDENTIFY is limited per user). */
  extra: FuzzUser[];
  bot: FuzzUser & { applicationId: string; commandId: string };
  guildId: string;
  channelId: string;
  otherChannelId: string;
  categoryId: string;
  dmChannelId: string;
  roleId: string;
  messageId: string;
  inviteCode: string;
  webhook: { id: string; token: string };
  ruleId: string;
  /** `/attachments/<sha>/<name>` of the uploaded file. */
  attachmentPath: string;
}

let generation = 0;
const PASSWORD = 'correct horse battery';

async function register(url: string, name: string): Promise<FuzzUser & { api: ConcordApi }> {
  const anon = new ConcordApi({ baseUrl: `${url}/api/v9` });
  const { token, user_id } = await anon.register({ username: name, password: PASSWORD });
  return { id: user_id, token, api: new ConcordApi({ baseUrl: `${url}/api/v9`, token }) };
}

export async function buildFixtures(url: string, extraUsers = 0): Promise<Fixtures> {
  const tag = `${process.pid % 10_000}_${++generation}`;
  const owner = await register(url, `fz_owner_${tag}`);
  const member = await register(url, `fz_member_${tag}`);
  const extra = await Promise.all(Array.from({ length: extraUsers }, (_, i) => register(url, `fz_x${i}_${tag}`)));
  const guild = await owner.api.createGuild({ name: 'Fuzz' });
  const channelId = guild.system_channel_id!;
  const category = await owner.api.createChannel(guild.id, { name: 'cat', type: 4 });
  const other = await owner.api.createChannel(guild.id, { name: 'other', parent_id: category.id });
  const role = await owner.api.createRole(guild.id, { name: 'fuzzers', permissions: '1024' });
  const invite = await owner.api.createInvite(channelId, { max_age: 0 });
  for (const u of [member, ...extra]) await u.api.acceptInvite(invite.code);
  const message = await owner.api.sendMessage(channelId, 'fuzz target');
  const form = new FormData();
  form.append('payload_json', JSON.stringify({ content: 'with a file' }));
  form.append('files[0]', new Blob([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0])]), 'tiny.png');
  const withFile = await owner.api.sendMessageWithFiles(channelId, form);
  const attachmentUrl = withFile.attachments[0]?.url ?? '';
  const app = await owner.api.createApplication({ name: `fuzzbot${tag}` });
  const bot = await owner.api.createBot(app.id);
  await owner.api.authorizeBot(app.id, guild.id, 8n);
  const botApi = new ConcordApi({ baseUrl: `${url}/api/v10`, token: bot.token, tokenType: 'Bot' });
  const command = await botApi.rest.post<APIApplicationCommand>(`/applications/${app.id}/commands`, { name: 'ping', description: 'answers pong' });
  const webhook = await owner.api.createWebhook(channelId, { name: 'hook' });
  const rule = await owner.api.createAutoModRule(guild.id, {
    name: 'no zzz',
    event_type: 1,
    trigger_type: 1,
    trigger_metadata: { keyword_filter: ['zzzzqqq'] },
    actions: [{ type: 1 }],
  });
  const dm: APIChannel = await member.api.createDM(owner.id);
  return {
    owner: { id: owner.id, token: owner.token },
    member: { id: member.id, token: member.token },
    extra: extra.map((u) => ({ id: u.id, token: u.token })),
    bot: { id: bot.user.id, token: bot.token, applicationId: app.id, commandId: command.id },
    guildId: guild.id,
    channelId,
    otherChannelId: other.id,
    categoryId: category.id,
    dmChannelId: dm.id,
    roleId: role.id,
    messageId: message.id,
    inviteCode: invite.code,
    webhook: { id: webhook.id, token: webhook.token ?? '' },
    ruleId: rule.id,
    attachmentPath: new URL(attachmentUrl, url).pathname,
  };
}

/** Whether every fixture still exists and every token still works (fuzz cases delete things). */
export async function fixturesHealthy(url: string, f: Fixtures): Promise<boolean> {
  const get = async (path: string, auth: string | null, version = 9) => {
    try {
      const r = await fetch(`${url}/api/v${version}${path}`, { headers: auth ? { authorization: auth } : {} });
      return r.status === 200;
    } catch {
      return false;
    }
  };
  const checks = await Promise.all([
    get('/users/@me', f.owner.token),
    get(`/guilds/${f.guildId}/members/${f.member.id}`, f.member.token),
    get('/users/@me', `Bot ${f.bot.token}`, 10),
    get(`/channels/${f.channelId}/messages/${f.messageId}`, f.owner.token),
    get(`/channels/${f.otherChannelId}`, f.owner.token),
    get(`/webhooks/${f.webhook.id}/${f.webhook.token}`, null),
    get(`/guilds/${f.guildId}/roles`, f.owner.token),
    ...f.extra.map((u) => get(`/guilds/${f.guildId}/members/${u.id}`, u.token)),
  ]);
  return checks.every(Boolean);
}
