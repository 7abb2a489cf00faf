// Typed helpers for the REST routes, so apps and tests call `api.sendMessage(...)` rather than
// building paths by hand. Shapes are Discord's.
import type {
  APIApplication,
  APIApplicationCommand,
  APIAuditLogEntry,
  APIAutoModRule,
  APIBan,
  APIChannel,
  APIGuild,
  APIGuildMember,
  APIInvite,
  APIMessage,
  APIRelationship,
  APIRole,
  APISelfUser,
  APIUser,
  APIWebhook,
  CreateInteractionResult,
} from '@concord/protocol';
import { RestClient, type RestClientOptions } from './RestClient.ts';

const e = encodeURIComponent;

export interface HistoryQuery {
  limit?: number;
  before?: string;
  after?: string;
  around?: string;
}

export class ConcordApi {
  readonly rest: RestClient;

  constructor(options: RestClientOptions | RestClient) {
    this.rest = options instanceof RestClient ? options : new RestClient(options);
  }

  setToken(token: string | null): void {
    this.rest.setToken(token);
  }

  // Accounts
  register(body: { username: string; password: string; email?: string }) {
    return this.rest.post<{ token: string; user_id: string }>('/auth/register', body);
  }
  login(body: { login: string; password: string }) {
    return this.rest.post<{ token: string; user_id: string }>('/auth/login', body);
  }
  logout() {
    return this.rest.post<void>('/auth/logout', {});
  }
  me() {
    return this.rest.get<APISelfUser>('/users/@me');
  }
  /** A password change answers with a new token (every other token is revoked): the client continues with it. */
  async modifyMe(body: Record<string, unknown>) {
    const self = await this.rest.patch<APISelfUser & { token?: string }>('/users/@me', body);
    if (self.token) this.rest.setToken(self.token);
    return self;
  }
  getUser(userId: string) {
    return this.rest.get<APIUser>(`/users/${userId}`);
  }
  myGuilds() {
    return this.rest.get<APIGuild[]>('/users/@me/guilds');
  }
  leaveGuild(guildId: string) {
    return this.rest.delete<void>(`/users/@me/guilds/${guildId}`);
  }

  // Guilds
  createGuild(body: { name: string; icon?: string | null }) {
    return this.rest.post<APIGuild>('/guilds', body);
  }
  getGuild(guildId: string) {
    return this.rest.get<APIGuild>(`/guilds/${guildId}`);
  }
  modifyGuild(guildId: string, body: Record<string, unknown>) {
    return this.rest.patch<APIGuild>(`/guilds/${guildId}`, body);
  }
  deleteGuild(guildId: string) {
    return this.rest.delete<void>(`/guilds/${guildId}`);
  }
  getChannels(guildId: string) {
    return this.rest.get<APIChannel[]>(`/guilds/${guildId}/channels`);
  }
  createChannel(guildId: string, body: Record<string, unknown> & { name: string }) {
    return this.rest.post<APIChannel>(`/guilds/${guildId}/channels`, body);
  }
  reorderChannels(guildId: string, body: { id: string; position?: number; parent_id?: string | null }[]) {
    return this.rest.patch<void>(`/guilds/${guildId}/channels`, body);
  }
  listMembers(guildId: string, query: { limit?: number; after?: string } = {}) {
    return this.rest.get<APIGuildMember[]>(`/guilds/${guildId}/members`, { query });
  }
  getMember(guildId: string, userId: string) {
    return this.rest.get<APIGuildMember>(`/guilds/${guildId}/members/${userId}`);
  }
  modifyMember(guildId: string, userId: string, body: Record<string, unknown>) {
    return this.rest.patch<APIGuildMember>(`/guilds/${guildId}/members/${userId}`, body);
  }
  addMemberRole(guildId: string, userId: string, roleId: string) {
    return this.rest.put<void>(`/guilds/${guildId}/members/${userId}/roles/${roleId}`);
  }
  removeMemberRole(guildId: string, userId: string, roleId: string) {
    return this.rest.delete<void>(`/guilds/${guildId}/members/${userId}/roles/${roleId}`);
  }
  kick(guildId: string, userId: string) {
    return this.rest.delete<void>(`/guilds/${guildId}/members/${userId}`);
  }
  ban(guildId: string, userId: string, body: { delete_message_seconds?: number } = {}) {
    return this.rest.put<void>(`/guilds/${guildId}/bans/${userId}`, body);
  }
  unban(guildId: string, userId: string) {
    return this.rest.delete<void>(`/guilds/${guildId}/bans/${userId}`);
  }
  getBans(guildId: string) {
    return this.rest.get<APIBan[]>(`/guilds/${guildId}/bans`);
  }
  getRoles(guildId: string) {
    return this.rest.get<APIRole[]>(`/guilds/${guildId}/roles`);
  }
  createRole(guildId: string, body: Record<string, unknown> = {}) {
    return this.rest.post<APIRole>(`/guilds/${guildId}/roles`, body);
  }
  modifyRole(guildId: string, roleId: string, body: Record<string, unknown>) {
    return this.rest.patch<APIRole>(`/guilds/${guildId}/roles/${roleId}`, body);
  }
  deleteRole(guildId: string, roleId: string) {
    return this.rest.delete<void>(`/guilds/${guildId}/roles/${roleId}`);
  }
  reorderRoles(guildId: string, body: { id: string; position: number }[]) {
    return this.rest.patch<APIRole[]>(`/guilds/${guildId}/roles`, body);
  }
  getGuildInvites(guildId: string) {
    return this.rest.get<APIInvite[]>(`/guilds/${guildId}/invites`);
  }

  // Channels
  getChannel(channelId: string) {
    return this.rest.get<APIChannel>(`/channels/${channelId}`);
  }
  modifyChannel(channelId: string, body: Record<string, unknown>) {
    return this.rest.patch<APIChannel>(`/channels/${channelId}`, body);
  }
  deleteChannel(channelId: string) {
    return this.rest.delete<APIChannel>(`/channels/${channelId}`);
  }
  putOverwrite(channelId: string, overwriteId: string, body: { type: 0 | 1; allow?: string; deny?: string }) {
    return this.rest.put<void>(`/channels/${channelId}/permissions/${overwriteId}`, body);
  }
  deleteOverwrite(channelId: string, overwriteId: string) {
    return this.rest.delete<void>(`/channels/${channelId}/permissions/${overwriteId}`);
  }
  createInvite(channelId: string, body: { max_age?: number; max_uses?: number; temporary?: boolean; unique?: boolean } = {}) {
    return this.rest.post<APIInvite>(`/channels/${channelId}/invites`, body);
  }
  getChannelInvites(channelId: string) {
    return this.rest.get<APIInvite[]>(`/channels/${channelId}/invites`);
  }
  getInvite(code: string) {
    return this.rest.get<APIInvite>(`/invites/${e(code)}`);
  }
  acceptInvite(code: string) {
    return this.rest.post<APIInvite & { guild_id?: string }>(`/invites/${e(code)}`, {});
  }
  deleteInvite(code: string) {
    return this.rest.delete<APIInvite>(`/invites/${e(code)}`);
  }
  triggerTyping(channelId: string) {
    return this.rest.post<void>(`/channels/${channelId}/typing`);
  }
  followChannel(channelId: string, webhookChannelId: string) {
    return this.rest.post<{ channel_id: string; webhook_id: string }>(`/channels/${channelId}/followers`, { webhook_channel_id: webhookChannelId });
  }

  // Messages
  sendMessage(channelId: string, body: Record<string, unknown> | string) {
    return this.rest.post<APIMessage>(`/channels/${channelId}/messages`, typeof body === 'string' ? { content: body } : body);
  }
  sendMessageWithFiles(channelId: string, form: FormData) {
    return this.rest.post<APIMessage>(`/channels/${channelId}/messages`, undefined, { form });
  }
  getMessages(channelId: string, query: HistoryQuery = {}) {
    return this.rest.get<APIMessage[]>(`/channels/${channelId}/messages`, { query: { ...query } });
  }
  getMessage(channelId: string, messageId: string) {
    return this.rest.get<APIMessage>(`/channels/${channelId}/messages/${messageId}`);
  }
  editMessage(channelId: string, messageId: string, body: Record<string, unknown>) {
    return this.rest.patch<APIMessage>(`/channels/${channelId}/messages/${messageId}`, body);
  }
  deleteMessage(channelId: string, messageId: string) {
    return this.rest.delete<void>(`/channels/${channelId}/messages/${messageId}`);
  }
  bulkDelete(channelId: string, messages: string[]) {
    return this.rest.post<void>(`/channels/${channelId}/messages/bulk-delete`, { messages });
  }
  crosspost(channelId: string, messageId: string) {
    return this.rest.post<APIMessage>(`/channels/${channelId}/messages/${messageId}/crosspost`);
  }
  addReaction(channelId: string, messageId: string, emoji: string) {
    return this.rest.put<void>(`/channels/${channelId}/messages/${messageId}/reactions/${e(emoji)}/@me`);
  }
  removeReaction(channelId: string, messageId: string, emoji: string, userId = '@me') {
    return this.rest.delete<void>(`/channels/${channelId}/messages/${messageId}/reactions/${e(emoji)}/${userId}`);
  }
  getReactions(channelId: string, messageId: string, emoji: string) {
    return this.rest.get<APIUser[]>(`/channels/${channelId}/messages/${messageId}/reactions/${e(emoji)}`);
  }
  pin(channelId: string, messageId: string) {
    return this.rest.put<void>(`/channels/${channelId}/pins/${messageId}`);
  }
  unpin(channelId: string, messageId: string) {
    return this.rest.delete<void>(`/channels/${channelId}/pins/${messageId}`);
  }
  getPins(channelId: string) {
    return this.rest.get<APIMessage[]>(`/channels/${channelId}/pins`);
  }
  ack(channelId: string, messageId: string) {
    return this.rest.post<{ token: null }>(`/channels/${channelId}/messages/${messageId}/ack`, {});
  }

  // DMs
  createDM(recipientId: string) {
    return this.rest.post<APIChannel>('/users/@me/channels', { recipient_id: recipientId });
  }
  createGroupDM(recipients: string[], name?: string) {
    return this.rest.post<APIChannel>('/users/@me/channels', name ? { recipients, name } : { recipients });
  }
  getDMs() {
    return this.rest.get<APIChannel[]>('/users/@me/channels');
  }

  // Relationships: friends, friend requests and blocks (user accounts only)
  getRelationships() {
    return this.rest.get<APIRelationship[]>('/users/@me/relationships');
  }
  /** Sends a friend request by username (answers 204; the change arrives as RELATIONSHIP_ADD). */
  sendFriendRequest(username: string) {
    return this.rest.post<void>('/users/@me/relationships', { username });
  }
  /** Sends a friend request to a user by id, or accepts theirs. */
  addFriend(userId: string) {
    return this.rest.put<void>(`/users/@me/relationships/${userId}`, {});
  }
  blockUser(userId: string) {
    return this.rest.put<void>(`/users/@me/relationships/${userId}`, { type: 2 });
  }
  /** Removes a friend, cancels or declines a request, or unblocks. */
  removeRelationship(userId: string) {
    return this.rest.delete<void>(`/users/@me/relationships/${userId}`);
  }

  // Bots: applications (developer portal), OAuth2, commands and interactions
  createApplication(body: { name: string; description?: string }) {
    return this.rest.post<APIApplication>('/applications', body);
  }
  listApplications() {
    return this.rest.get<APIApplication[]>('/applications');
  }
  modifyApplication(applicationId: string, body: { name?: string; description?: string; flags?: number; bot_public?: boolean }) {
    return this.rest.patch<APIApplication>(`/applications/${applicationId}`, body);
  }
  /** Creates the application's bot user; the answer holds its first token. */
  createBot(applicationId: string) {
    return this.rest.post<{ token: string; user: APIUser }>(`/applications/${applicationId}/bot`, {});
  }
  resetBotToken(applicationId: string) {
    return this.rest.post<{ token: string }>(`/applications/${applicationId}/bot/reset`, {});
  }
  /** Adds a bot to a guild where the caller has MANAGE_GUILD (what the consent page does). */
  authorizeBot(applicationId: string, guildId: string, permissions: bigint, scopes: string[] = ['bot', 'applications.commands']) {
    const query = { client_id: applicationId, scope: scopes.join(' '), permissions: permissions.toString() };
    return this.rest.post<{ location: string }>('/oauth2/authorize', { authorize: true, guild_id: guildId, permissions: permissions.toString() }, { query });
  }
  /** The commands the caller may use in a guild, for the "/" picker. */
  commandIndex(guildId: string) {
    return this.rest.get<{ applications: { id: string; name: string; bot_id: string }[]; application_commands: APIApplicationCommand[] }>(`/guilds/${guildId}/application-command-index`);
  }
  /** Runs a command, clicks a component or submits a modal; resolves with the bot's first answer. */
  createInteraction(body: Record<string, unknown> & { type: 2 | 3 | 4 | 5; application_id: string; channel_id: string; data: unknown }) {
    return this.rest.post<CreateInteractionResult>('/interactions', body);
  }

  // Webhooks and moderation
  createWebhook(channelId: string, body: { name: string; avatar?: string | null }, reason?: string) {
    return this.rest.post<APIWebhook>(`/channels/${channelId}/webhooks`, body, reason ? { reason } : {});
  }
  getChannelWebhooks(channelId: string) {
    return this.rest.get<APIWebhook[]>(`/channels/${channelId}/webhooks`);
  }
  deleteWebhook(webhookId: string) {
    return this.rest.delete<void>(`/webhooks/${webhookId}`);
  }
  executeWebhook(webhookId: string, token: string, body: Record<string, unknown>) {
    return this.rest.post<APIMessage>(`/webhooks/${webhookId}/${token}`, body, { query: { wait: true } });
  }
  getAuditLog(guildId: string, query: { user_id?: string; action_type?: number; before?: string; after?: string; limit?: number } = {}) {
    return this.rest.get<{ audit_log_entries: APIAuditLogEntry[]; users: APIUser[] }>(`/guilds/${guildId}/audit-logs`, { query: { ...query } });
  }
  getAutoModRules(guildId: string) {
    return this.rest.get<APIAutoModRule[]>(`/guilds/${guildId}/auto-moderation/rules`);
  }
  createAutoModRule(guildId: string, body: Record<string, unknown>, reason?: string) {
    return this.rest.post<APIAutoModRule>(`/guilds/${guildId}/auto-moderation/rules`, body, reason ? { reason } : {});
  }
  deleteAutoModRule(guildId: string, ruleId: string) {
    return this.rest.delete<void>(`/guilds/${guildId}/auto-moderation/rules/${ruleId}`);
  }
}
