// Applies gateway dispatches to the stores. Every payload goes through a decoder first; a frame
// that fails is dropped and counted. Live message events are also written to the platform cache
// for channels whose window is attached to the present (so the cache never gets a silent gap).
import {
  ChannelType,
  MessageFlags,
  compareSnowflakes,
  type APIMessage,
  type APIReaction,
  type DispatchEventName,
} from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { useReadStateStore } from '../state/readStateStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useTypingStore } from '../chat/typingStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import {
  countDecodeFailure,
  isAckEvent,
  isChannel,
  isGatewayGuild,
  isGuild,
  isGuildDelete,
  isGuildMemberEvent,
  isGuildMemberRemove,
  isGuildRoleDelete,
  isGuildRoleEvent,
  isId,
  isMember,
  isMessage,
  isMessageDelete,
  isMessageDeleteBulk,
  isMessagePatch,
  isObj,
  isPinsUpdate,
  isPresence,
  isReactionEvent,
  isTypingEvent,
  isUser,
  type ReactionEvent,
  type ReadyEvent,
} from './decoders.ts';
import { maybeSession } from './currentSession.ts';
import { notifyIfNeeded, refreshBadgeCount } from '../chat/notifications.ts';
import { isViewingChannel } from '../chat/readStates.ts';
import { saveSnapshot } from './snapshot.ts';
import { applyRelationshipEvent, loadRelationships } from '../dm/relationships.ts';
import { decodeVoiceServerUpdate, decodeVoiceState, type VoiceStateUpdate } from '../voice/voiceDecoders.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { applyCallEvent, privateVoiceKey } from '../dm/callDispatch.ts';
import { useCallStore } from '../dm/callStore.ts';
import { applyExpressionEvent, loadGuildExpressions, useExpressionStore } from '../emoji/expressionStore.ts';

export function applyReady(ready: ReadyEvent): void {
  const guilds = ready.guilds.filter(isGatewayGuild);
  useSessionStore.getState().setUser(ready.user);
  useGuildStore.getState().loadGuilds(guilds, ready.private_channels);
  // A new gateway session: the server ended the old session's voice state with it.
  useVoiceStore.getState().leave();
  useCallStore.getState().reset();
  const members = useMemberStore.getState();
  useExpressionStore.getState().reset();
  members.upsertUsers([ready.user]);
  for (const g of guilds) {
    members.upsertMembers(g.id, g.members);
    for (const p of g.presences ?? []) if (isPresence(p)) members.setPresence(p.user.id, { status: p.status, activities: p.activities ?? [] });
    loadGuildVoiceStates(g.id, g.voice_states);
    loadGuildExpressions(g);
  }
  for (const c of ready.private_channels) members.upsertUsers(c.recipients ?? []);
  for (const p of ready.presences ?? []) if (isPresence(p)) members.setPresence(p.user.id, { status: p.status, activities: p.activities ?? [] });
  useReadStateStore.getState().load(ready.read_state?.entries ?? []);
  loadRelationships(ready.relationships);
  // Keep the user's last location when it still exists; otherwise fall back to Home.
  const ui = useUiStore.getState();
  if (ui.selectedGuildId !== '@me' && !guilds.some((g) => g.id === ui.selectedGuildId)) ui.selectGuild('@me');
  refreshBadgeCount();
}

/** READY / GUILD_CREATE voice_states: the guild's whole list (entries that fail to decode are counted). */
function loadGuildVoiceStates(guildId: string, list: unknown[] | undefined): void {
  const decoded: VoiceStateUpdate[] = [];
  for (const v of list ?? []) {
    const state = decodeVoiceState(v);
    if (state) decoded.push(state);
    else countDecodeFailure('voice_states', v);
  }
  useVoiceStore.getState().loadGuild(guildId, decoded);
}

function onVoiceStateUpdate(d: unknown): void {
  const state = decodeVoiceState(d);
  if (!state) return countDecodeFailure('VOICE_STATE_UPDATE', d);
  // Without guild_id: a DM call, kept under its channel (the call's voice server id).
  const key = state.guildId ?? privateVoiceKey(state);
  if (key === null) return;
  const ownSessionId = maybeSession()?.gateway.session ?? null;
  useVoiceStore.getState().applyState(key, state, useSessionStore.getState().user?.id ?? null, ownSessionId);
}

function cachePut(channelId: string, messages: APIMessage[]): void {
  const session = maybeSession();
  if (!session) return;
  session.bridge.cache.putMessages(channelId, messages).catch((err: unknown) => console.warn('cache write failed', err));
}

function cacheDelete(channelId: string, ids: string[]): void {
  const session = maybeSession();
  if (!session) return;
  session.bridge.cache.deleteMessages(channelId, ids).catch((err: unknown) => console.warn('cache delete failed', err));
}

export function emojiKey(emoji: { id: string | null; name: string | null }): string {
  return emoji.id ? `${emoji.name ?? ''}:${emoji.id}` : (emoji.name ?? '');
}

/** Applies one reaction add/remove to a message's reaction list (Discord's counting rules). */
export function applyReaction(message: APIMessage, ev: Pick<ReactionEvent, 'emoji' | 'user_id'>, add: boolean, selfId: string | null): APIMessage {
  const key = emojiKey(ev.emoji);
  const reactions: APIReaction[] = (message.reactions ?? []).map((r) => ({ ...r }));
  const isMe = ev.user_id === selfId;
  const index = reactions.findIndex((r) => emojiKey(r.emoji) === key);
  if (add) {
    if (index >= 0) {
      const r = reactions[index]!;
      if (isMe && r.me) return message;
      r.count += 1;
      r.count_details = { ...r.count_details, normal: r.count_details.normal + 1 };
      if (isMe) r.me = true;
    } else {
      reactions.push({
        count: 1,
        count_details: { burst: 0, normal: 1 },
        me: isMe,
        me_burst: false,
        burst_colors: [],
        emoji: { id: ev.emoji.id, name: ev.emoji.name },
      });
    }
  } else {
    if (index < 0) return message;
    const r = reactions[index]!;
    if (isMe && !r.me) return message;
    r.count -= 1;
    r.count_details = { ...r.count_details, normal: Math.max(0, r.count_details.normal - 1) };
    if (isMe) r.me = false;
    if (r.count <= 0) reactions.splice(index, 1);
  }
  return { ...message, reactions };
}

/** Ephemeral bot answers exist for one user for 15 minutes: never cached, never the channel's last message. */
const isEphemeral = (m: Partial<APIMessage>): boolean => ((m.flags ?? 0) & MessageFlags.EPHEMERAL) !== 0;

function onMessageCreate(message: APIMessage): void {
  const messages = useMessageStore.getState();
  const selfId = useSessionStore.getState().user?.id ?? null;
  if (message.nonce !== undefined) messages.removePending(message.channel_id, String(message.nonce));
  const added = messages.addLive(message);
  useMemberStore.getState().upsertUsers([message.author, ...message.mentions.filter(isUser)]);
  useTypingStore.getState().stopTyping(message.channel_id, message.author.id);
  if (isEphemeral(message)) return;
  if (added) cachePut(message.channel_id, [message]);
  useGuildStore.getState().setLastMessageId(message.channel_id, message.id);
  if (message.author.id === selfId) {
    useReadStateStore.getState().markRead(message.channel_id, message.id, 0);
    return;
  }
  if (!useGuildStore.getState().channels[message.channel_id]) {
    // A DM whose channel we have not seen yet: fetch it so it shows in the DM list.
    void maybeSession()?.api.getChannel(message.channel_id).then((c) => {
      if (isChannel(c)) useGuildStore.getState().upsertChannel(c);
    });
  }
  void notifyIfNeeded(message, isViewingChannel(message.channel_id));
}

function onMessageUpdate(patch: Partial<APIMessage> & { id: string; channel_id: string }): void {
  const updated = useMessageStore.getState().updateMessage(patch.channel_id, patch.id, (m) => ({ ...m, ...patch }));
  if (isEphemeral(updated ?? patch)) return;
  if (updated) cachePut(patch.channel_id, [updated]);
  else if (isMessage(patch)) cachePut(patch.channel_id, [patch]);
}

function onReaction(ev: ReactionEvent, add: boolean): void {
  const selfId = useSessionStore.getState().user?.id ?? null;
  const updated = useMessageStore.getState().updateMessage(ev.channel_id, ev.message_id, (m) => applyReaction(m, ev, add, selfId));
  if (updated) cachePut(ev.channel_id, [updated]);
}

/**
 * Applies one dispatch. The event name is checked against the protocol's event map (a case for an
 * event that does not exist fails to compile); the payload still passes this module's decoders,
 * because the SDK only checks that it is an object and the server is outside our trust boundary.
 */
export function handleDispatch(t: DispatchEventName, d: unknown): void {
  const guilds = useGuildStore.getState();
  const members = useMemberStore.getState();
  switch (t) {
    case 'RESUMED':
    case 'READY_SUPPLEMENTAL':
    case 'GUILD_MEMBERS_CHUNK':
      if (t === 'GUILD_MEMBERS_CHUNK' && isObj(d) && typeof d['guild_id'] === 'string' && Array.isArray(d['members'])) {
        // A member counts when it decodes and the chunk's guild id is a snowflake.
        members.upsertMembers(d['guild_id'], isId(d['guild_id']) ? d['members'].filter(isMember) : []);
        for (const p of Array.isArray(d['presences']) ? d['presences'] : []) if (isPresence(p)) members.setPresence(p.user.id, { status: p.status, activities: p.activities ?? [] });
      }
      return;
    case 'GUILD_CREATE':
      if (!isGatewayGuild(d)) return countDecodeFailure(t, d);
      guilds.upsertGatewayGuild(d);
      members.upsertMembers(d.id, d.members);
      for (const p of d.presences ?? []) if (isPresence(p)) members.setPresence(p.user.id, { status: p.status, activities: p.activities ?? [] });
      loadGuildVoiceStates(d.id, d.voice_states);
      loadGuildExpressions(d);
      saveSnapshot();
      return;
    case 'GUILD_UPDATE':
      if (!isGuild(d)) return countDecodeFailure(t, d);
      guilds.updateGuild(d);
      return;
    case 'GUILD_DELETE': {
      if (!isGuildDelete(d)) return countDecodeFailure(t, d);
      guilds.removeGuild(d.id);
      members.removeGuild(d.id);
      useVoiceStore.getState().removeGuild(d.id);
      useExpressionStore.getState().removeGuild(d.id);
      const ui = useUiStore.getState();
      if (ui.selectedGuildId === d.id) ui.selectGuild('@me');
      return;
    }
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
      if (!isChannel(d)) return countDecodeFailure(t, d);
      guilds.upsertChannel(d);
      if (d.recipients) members.upsertUsers(d.recipients);
      return;
    case 'CHANNEL_DELETE':
      if (!isChannel(d)) return countDecodeFailure(t, d);
      guilds.removeChannel(d.id);
      useMessageStore.getState().dropChannel(d.id);
      return;
    case 'CHANNEL_PINS_UPDATE':
      if (!isPinsUpdate(d)) return countDecodeFailure(t, d);
      if (guilds.channels[d.channel_id]) guilds.upsertChannel({ ...guilds.channels[d.channel_id]!, last_pin_timestamp: d.last_pin_timestamp ?? null });
      return;
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE':
      if (!isGuildRoleEvent(d)) return countDecodeFailure(t, d);
      guilds.upsertRole(d.guild_id, d.role);
      return;
    case 'GUILD_ROLE_DELETE':
      if (!isGuildRoleDelete(d)) return countDecodeFailure(t, d);
      guilds.removeRole(d.guild_id, d.role_id);
      return;
    case 'GUILD_MEMBER_ADD':
      if (!isGuildMemberEvent(d)) return countDecodeFailure(t, d);
      members.upsertMembers(d.guild_id, [d]);
      guilds.setMemberCount(d.guild_id, 1);
      return;
    case 'GUILD_MEMBER_UPDATE':
      if (!isGuildMemberEvent(d)) return countDecodeFailure(t, d);
      members.upsertMembers(d.guild_id, [d]);
      return;
    case 'GUILD_MEMBER_REMOVE':
      if (!isGuildMemberRemove(d)) return countDecodeFailure(t, d);
      members.removeMember(d.guild_id, d.user.id);
      guilds.setMemberCount(d.guild_id, -1);
      return;
    case 'MESSAGE_CREATE':
      if (!isMessage(d)) return countDecodeFailure(t, d);
      onMessageCreate(d);
      return;
    case 'MESSAGE_UPDATE':
      if (!isMessagePatch(d)) return countDecodeFailure(t, d);
      onMessageUpdate(d);
      return;
    case 'MESSAGE_DELETE':
      if (!isMessageDelete(d)) return countDecodeFailure(t, d);
      useMessageStore.getState().deleteMessages(d.channel_id, [d.id]);
      cacheDelete(d.channel_id, [d.id]);
      return;
    case 'MESSAGE_DELETE_BULK':
      if (!isMessageDeleteBulk(d)) return countDecodeFailure(t, d);
      useMessageStore.getState().deleteMessages(d.channel_id, d.ids);
      cacheDelete(d.channel_id, d.ids);
      return;
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
      if (!isReactionEvent(d)) return countDecodeFailure(t, d);
      onReaction(d, t === 'MESSAGE_REACTION_ADD');
      return;
    case 'MESSAGE_REACTION_REMOVE_ALL':
      if (!isMessageDelete({ id: isObj(d) ? d['message_id'] : undefined, channel_id: isObj(d) ? d['channel_id'] : undefined })) return countDecodeFailure(t, d);
      if (isObj(d)) useMessageStore.getState().updateMessage(String(d['channel_id']), String(d['message_id']), (m) => ({ ...m, reactions: [] }));
      return;
    case 'MESSAGE_ACK':
      if (!isAckEvent(d)) return countDecodeFailure(t, d);
      useReadStateStore.getState().markRead(d.channel_id, d.message_id, d.mention_count ?? 0);
      refreshBadgeCount();
      return;
    case 'TYPING_START': {
      if (!isTypingEvent(d)) return countDecodeFailure(t, d);
      if (d.user_id === useSessionStore.getState().user?.id) return;
      useTypingStore.getState().startTyping(d.channel_id, d.user_id, Date.now());
      if (d.member && d.guild_id && isGuildMemberEvent({ ...d.member, guild_id: d.guild_id })) members.upsertMembers(d.guild_id, [d.member]);
      return;
    }
    case 'PRESENCE_UPDATE':
      if (!isPresence(d)) return countDecodeFailure(t, d);
      members.setPresence(d.user.id, { status: d.status, activities: d.activities ?? [] });
      if (isUser(d.user)) members.upsertUsers([d.user]);
      return;
    case 'USER_UPDATE': {
      if (!isUser(d)) return countDecodeFailure(t, d);
      const self = useSessionStore.getState().user;
      if (self && self.id === d.id) useSessionStore.getState().setUser({ ...self, ...d });
      members.upsertUsers([d]);
      return;
    }
    case 'VOICE_STATE_UPDATE':
      onVoiceStateUpdate(d);
      return;
    case 'VOICE_SERVER_UPDATE': {
      const server = decodeVoiceServerUpdate(d);
      if (!server) return countDecodeFailure(t, d);
      useVoiceStore.getState().applyServer(server);
      return;
    }
    case 'GUILD_EMOJIS_UPDATE':
    case 'GUILD_STICKERS_UPDATE':
      applyExpressionEvent(t, d);
      return;
    case 'CALL_CREATE':
    case 'CALL_UPDATE':
    case 'CALL_DELETE':
      applyCallEvent(t, d);
      return;
    case 'RELATIONSHIP_ADD':
    case 'RELATIONSHIP_REMOVE':
      applyRelationshipEvent(t, d);
      return;
    case 'CHANNEL_RECIPIENT_ADD':
    case 'CHANNEL_RECIPIENT_REMOVE':
      if (isObj(d) && typeof d['channel_id'] === 'string' && isUser(d['user'])) {
        const channel = guilds.channels[d['channel_id']];
        const user = d['user'];
        if (channel && channel.type === ChannelType.GROUP_DM) {
          const recipients = (channel.recipients ?? []).filter((r) => r.id !== user.id);
          guilds.upsertChannel({ ...channel, recipients: t === 'CHANNEL_RECIPIENT_ADD' ? [...recipients, user] : recipients });
        }
      }
      return;
    default:
      return;
  }
}

/** Newest id in a list (ids compare as numbers, not strings). */
export function newestId(ids: readonly string[]): string | null {
  let best: string | null = null;
  for (const id of ids) if (best === null || compareSnowflakes(id, best) > 0) best = id;
  return best;
}
