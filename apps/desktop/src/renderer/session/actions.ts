// What the user can do, as plain functions over the session: components call these and never
// talk to the REST client directly. Optimistic where Discord is (sending, reactions).
import { RestError } from '@concord/client';
import { ChannelType, DISCORD_EPOCH_MS, type APIChannel, type APIMessage, type PresenceStatus } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { HOME, useUiStore } from '../state/uiStore.ts';
import { getSession } from './currentSession.ts';
import { applyReaction, emojiKey } from './dispatch.ts';
import { isChannel, isGatewayGuild, isMessageList } from './decoders.ts';
import { openChannel } from '../chat/channelLoader.ts';
import { uploadMessage } from '../chat/uploader.ts';
import { replaceShortcodes } from '../chat/emoji.ts';

export function makeNonce(): string {
  const ms = BigInt(Date.now() - DISCORD_EPOCH_MS);
  return ((ms << 22n) | BigInt(Math.floor(Math.random() * 4_194_304))).toString();
}

export function errorText(err: unknown): string {
  if (err instanceof RestError) return err.message.replace(/^.*-> \d+ \d+: /, '');
  if (err instanceof Error) return err.message;
  return String(err);
}

function insertSent(message: APIMessage): void {
  const store = useMessageStore.getState();
  store.removePending(message.channel_id, String(message.nonce ?? ''));
  store.addLive(message);
  useGuildStore.getState().setLastMessageId(message.channel_id, message.id);
}

export async function sendMessage(channelId: string, rawContent: string, replyToId: string | null): Promise<void> {
  const content = replaceShortcodes(rawContent);
  const nonce = makeNonce();
  const store = useMessageStore.getState();
  store.addPending({ nonce, channelId, content, replyToId, status: 'sending', error: null, createdAtMs: Date.now() });
  await deliverPending(channelId, nonce);
}

async function deliverPending(channelId: string, nonce: string): Promise<void> {
  const pending = useMessageStore.getState().pending[channelId]?.find((p) => p.nonce === nonce);
  if (!pending) return;
  const body: Record<string, unknown> = { content: pending.content, nonce };
  if (pending.replyToId) body['message_reference'] = { message_id: pending.replyToId, fail_if_not_exists: false };
  try {
    const message = await getSession().api.sendMessage(channelId, body);
    insertSent({ ...message, nonce });
  } catch (err) {
    useMessageStore.getState().setPendingStatus(channelId, nonce, 'failed', errorText(err));
  }
}

export function retryPending(channelId: string, nonce: string): Promise<void> {
  useMessageStore.getState().setPendingStatus(channelId, nonce, 'sending', null);
  return deliverPending(channelId, nonce);
}

export function discardPending(channelId: string, nonce: string): void {
  useMessageStore.getState().removePending(channelId, nonce);
}

export async function sendFiles(channelId: string, files: File[], content: string, replyToId: string | null): Promise<void> {
  const payload: Record<string, unknown> = { content: replaceShortcodes(content), nonce: makeNonce() };
  if (replyToId) payload['message_reference'] = { message_id: replyToId, fail_if_not_exists: false };
  const message = await uploadMessage({ channelId, token: getSession().token, files, payload });
  insertSent(message);
}

export async function editMessage(channelId: string, messageId: string, content: string): Promise<void> {
  const updated = await getSession().api.editMessage(channelId, messageId, { content: replaceShortcodes(content) });
  useMessageStore.getState().updateMessage(channelId, messageId, (m) => ({ ...m, ...updated }));
}

export async function deleteMessage(channelId: string, messageId: string): Promise<void> {
  await getSession().api.deleteMessage(channelId, messageId);
  useMessageStore.getState().deleteMessages(channelId, [messageId]);
  await getSession().bridge.cache.deleteMessages(channelId, [messageId]);
}

export async function toggleReaction(channelId: string, messageId: string, emoji: { id: string | null; name: string | null }): Promise<void> {
  const selfId = useSessionStore.getState().user?.id ?? null;
  const message = useMessageStore.getState().byChannel[channelId]?.messages.find((m) => m.id === messageId);
  const key = emojiKey(emoji);
  const mine = !!message?.reactions?.find((r) => emojiKey(r.emoji) === key)?.me;
  const store = useMessageStore.getState();
  const ev = { emoji, user_id: selfId ?? '' };
  store.updateMessage(channelId, messageId, (m) => applyReaction(m, ev, !mine, selfId));
  try {
    if (mine) await getSession().api.removeReaction(channelId, messageId, key);
    else await getSession().api.addReaction(channelId, messageId, key);
  } catch (err) {
    store.updateMessage(channelId, messageId, (m) => applyReaction(m, ev, mine, selfId));
    useUiStore.getState().showToast(`Reaction failed: ${errorText(err)}`);
  }
}

export async function setPinned(channelId: string, messageId: string, pinned: boolean): Promise<void> {
  if (pinned) await getSession().api.pin(channelId, messageId);
  else await getSession().api.unpin(channelId, messageId);
  useMessageStore.getState().updateMessage(channelId, messageId, (m) => ({ ...m, pinned }));
  await loadPins(channelId);
}

export async function loadPins(channelId: string): Promise<void> {
  const pins: unknown = await getSession().api.getPins(channelId);
  if (isMessageList(pins)) useMessageStore.getState().setPins(channelId, pins);
}

let lastTypingAt = 0;
let lastTypingChannel = '';
export function notifyTyping(channelId: string): void {
  const now = Date.now();
  if (channelId === lastTypingChannel && now - lastTypingAt < 8_000) return;
  lastTypingAt = now;
  lastTypingChannel = channelId;
  getSession().api.triggerTyping(channelId).catch((err: unknown) => console.warn('typing indicator failed', err));
}
export function resetTypingThrottle(): void {
  lastTypingAt = 0;
}

export function navigateToChannel(guildId: string, channelId: string): void {
  useUiStore.getState().selectChannel(guildId, channelId);
  void openChannel(channelId);
}

export function navigateToGuild(guildId: string): void {
  const ui = useUiStore.getState();
  ui.selectGuild(guildId);
  const channelId = ui.channelByGuild[guildId] ?? defaultChannelFor(guildId);
  if (channelId) navigateToChannel(guildId, channelId);
}

export function defaultChannelFor(guildId: string): string | null {
  if (guildId === HOME) return null;
  const channels = Object.values(useGuildStore.getState().channels).filter(
    (c) => c.guild_id === guildId && (c.type === ChannelType.GUILD_TEXT || c.type === ChannelType.GUILD_ANNOUNCEMENT),
  );
  channels.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  return channels[0]?.id ?? null;
}

export async function createGuild(name: string): Promise<string> {
  const guild = await getSession().api.createGuild({ name });
  // GUILD_CREATE normally arrives first; if not, fetch what we need.
  if (!useGuildStore.getState().guilds[guild.id]) {
    const channels: unknown = await getSession().api.getChannels(guild.id);
    const full = { ...guild, channels: Array.isArray(channels) ? channels.filter(isChannel) : [], members: [], presences: [], voice_states: [], threads: [], stage_instances: [], guild_scheduled_events: [], joined_at: new Date().toISOString(), large: false, unavailable: false, member_count: 1 };
    if (isGatewayGuild(full)) useGuildStore.getState().upsertGatewayGuild(full);
  }
  navigateToGuild(guild.id);
  return guild.id;
}

/** Accepts a bare code or any invite link (https://host/invite/CODE, discord.gg/CODE). */
export function parseInviteCode(input: string): string | null {
  const trimmed = input.trim();
  const m = trimmed.match(/(?:\/invite\/|discord\.gg\/|^)([A-Za-z0-9-]{2,32})\/?$/);
  return m ? m[1]! : null;
}

export async function joinGuild(input: string): Promise<string> {
  const code = parseInviteCode(input);
  if (!code) throw new Error('The invite is invalid or has expired.');
  const invite = await getSession().api.acceptInvite(code);
  const guildId = invite.guild_id ?? invite.guild?.id;
  if (!guildId) throw new Error('The invite did not name a server.');
  await waitFor(() => !!useGuildStore.getState().guilds[guildId], 5000);
  navigateToGuild(guildId);
  return guildId;
}

function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (cond()) return resolve();
    const unsub = useGuildStore.subscribe(() => {
      if (cond()) {
        unsub();
        clearTimeout(timer);
        resolve();
      }
    });
    const timer = setTimeout(() => {
      unsub();
      resolve();
    }, timeoutMs);
  });
}

export async function createChannel(guildId: string, body: { name: string; type: number; parent_id?: string | null; topic?: string }): Promise<APIChannel> {
  const channel = await getSession().api.createChannel(guildId, body);
  useGuildStore.getState().upsertChannel({ ...channel, guild_id: guildId });
  return channel;
}

export async function openDM(userId: string): Promise<void> {
  const channel = await getSession().api.createDM(userId);
  useGuildStore.getState().upsertChannel(channel);
  navigateToChannel(HOME, channel.id);
}

export async function openGroupDM(userIds: string[]): Promise<void> {
  const channel = await getSession().api.createGroupDM(userIds);
  useGuildStore.getState().upsertChannel(channel);
  navigateToChannel(HOME, channel.id);
}

export function setSelfStatus(status: Exclude<PresenceStatus, 'offline'>): void {
  useSessionStore.getState().setSelfStatus(status);
  getSession().gateway.updatePresence({ status, activities: selfPresenceActivities() });
}

/** What this session's presence carries: its custom status first, then this device's games; five at most (the gateway's limit). */
export function selfPresenceActivities(): unknown[] {
  const { selfActivities, localActivities } = useSessionStore.getState();
  return [...selfActivities, ...localActivities].slice(0, 5);
}

/**
 * Sends the desktop's local activities (games over the RPC socket, detected games; bridge.activity)
 * in this session's presence whenever they change, and again after a fresh READY (IDENTIFY carries
 * none). Main already coalesces and rate-limits the changes. Returns the function that stops.
 */
export function followLocalActivities(): () => void {
  const session = getSession();
  const local = session.bridge.activity;
  if (local === undefined) return () => undefined;
  const send = () => {
    if (session.gateway.state.status !== 'ready') return;
    session.gateway.updatePresence({ status: useSessionStore.getState().selfStatus, activities: selfPresenceActivities() });
  };
  const stopListening = local.onLocalActivities((activities) => {
    useSessionStore.getState().setLocalActivities(activities);
    send();
  });
  const stopOnReady = session.gateway.on('ready', () => {
    if (useSessionStore.getState().localActivities.length > 0) send();
  });
  return () => {
    stopListening();
    stopOnReady();
    useSessionStore.getState().setLocalActivities([]);
  };
}

export async function leaveGuild(guildId: string): Promise<void> {
  await getSession().api.leaveGuild(guildId);
  useGuildStore.getState().removeGuild(guildId);
  useUiStore.getState().selectGuild(HOME);
}

export function copyText(text: string, what: string): void {
  const done = () => useUiStore.getState().showToast(`${what} copied`);
  const failed = () => useUiStore.getState().showToast(`Could not copy ${what.toLowerCase()}`);
  // navigator.clipboard only exists in secure contexts; a server reached over plain http on a LAN
  // address is not one, so fall back to a selected textarea and the copy command there.
  if ('clipboard' in navigator) {
    navigator.clipboard.writeText(text).then(done, failed);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  // The only copy that works outside a secure context; the Clipboard API is its replacement there.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the fallback for when navigator.clipboard is missing
  const ok = document.execCommand('copy');
  area.remove();
  if (ok) done();
  else failed();
}
