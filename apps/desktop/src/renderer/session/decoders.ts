// Hand-written decoders for what arrives from the gateway and the REST API: each checks the
// fields the renderer relies on and narrows `unknown` to the protocol type, so that the rest of
// the renderer trusts its inputs. A frame that fails is dropped and counted, never half-applied.
import type {
  APIActivity,
  APIChannel,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIPresence,
  APIRole,
  APIUser,
  ReadyPayload,
} from '@concord/protocol';
import type { GatewayGuildInput } from '../state/guildStore.ts';

export type Obj = Record<string, unknown>;

export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isId = (x: unknown): x is string => typeof x === 'string' && /^\d{1,20}$/.test(x);
export const isStr = (x: unknown): x is string => typeof x === 'string';
export const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const optId = (x: unknown): boolean => x === undefined || x === null || isId(x);

export function isUser(x: unknown): x is APIUser {
  return isObj(x) && isId(x['id']) && isStr(x['username']);
}

export function isMessage(x: unknown): x is APIMessage {
  return (
    isObj(x) &&
    isId(x['id']) &&
    isId(x['channel_id']) &&
    isUser(x['author']) &&
    isStr(x['content']) &&
    isStr(x['timestamp']) &&
    Array.isArray(x['attachments']) &&
    Array.isArray(x['embeds']) &&
    Array.isArray(x['mentions']) &&
    (x['reactions'] === undefined || Array.isArray(x['reactions'])) &&
    (x['referenced_message'] === undefined || x['referenced_message'] === null || isMessage(x['referenced_message']))
  );
}

export function isMessageList(x: unknown): x is APIMessage[] {
  return Array.isArray(x) && x.every(isMessage);
}

/** MESSAGE_UPDATE may carry only the changed fields (Discord's partial updates). */
export function isMessagePatch(x: unknown): x is Partial<APIMessage> & { id: string; channel_id: string } {
  return isObj(x) && isId(x['id']) && isId(x['channel_id']) && (x['content'] === undefined || isStr(x['content']));
}

export function isChannel(x: unknown): x is APIChannel {
  return isObj(x) && isId(x['id']) && isNum(x['type']) && optId(x['guild_id']) && optId(x['parent_id']) &&
    (x['permission_overwrites'] === undefined || Array.isArray(x['permission_overwrites'])) &&
    (x['recipients'] === undefined || (Array.isArray(x['recipients']) && x['recipients'].every(isUser)));
}

export function isRole(x: unknown): x is APIRole {
  return isObj(x) && isId(x['id']) && isStr(x['name']) && isStr(x['permissions']) && isNum(x['position']) && isNum(x['color']);
}

export function isMember(x: unknown): x is APIGuildMember {
  return isObj(x) && isUser(x['user']) && Array.isArray(x['roles']) && x['roles'].every(isId);
}

/** A presence as isPresence checks it: `activities` may be missing. */
export type PresenceEvent = Omit<APIPresence, 'activities'> & { activities?: APIActivity[] };

export function isPresence(x: unknown): x is PresenceEvent {
  return isObj(x) && isObj(x['user']) && isId(x['user']['id']) && isStr(x['status']) && (x['activities'] === undefined || Array.isArray(x['activities']));
}

export function isGuild(x: unknown): x is APIGuild {
  return isObj(x) && isId(x['id']) && isStr(x['name']) && isId(x['owner_id']) && Array.isArray(x['roles']) && x['roles'].every(isRole);
}

export function isGatewayGuild(x: unknown): x is GatewayGuildInput {
  return (
    isGuild(x) &&
    Array.isArray((x as unknown as Obj)['channels']) &&
    ((x as unknown as Obj)['channels'] as unknown[]).every(isChannel) &&
    Array.isArray((x as unknown as Obj)['members']) &&
    ((x as unknown as Obj)['members'] as unknown[]).every(isMember)
  );
}

/**
 * READY as the renderer reads it: the SDK checks only that it is an object, so each guild and
 * presence goes through its decoder, and presences and read states may be missing.
 */
export type ReadyEvent = Omit<ReadyPayload, 'guilds' | 'presences' | 'read_state'> & {
  guilds: unknown[];
  presences?: unknown[];
  read_state?: ReadyPayload['read_state'];
};

export function isReady(x: unknown): x is ReadyEvent {
  if (!isObj(x) || !isObj(x['user']) || !isUser(x['user']) || !isStr(x['session_id'])) return false;
  if (!Array.isArray(x['guilds']) || !Array.isArray(x['private_channels'])) return false;
  if (!x['private_channels'].every(isChannel)) return false;
  const rs = x['read_state'];
  if (rs !== undefined && !(isObj(rs) && Array.isArray(rs['entries']))) return false;
  return true;
}

export interface ReactionEvent {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  emoji: { id: string | null; name: string | null };
}
export function isReactionEvent(x: unknown): x is ReactionEvent {
  return isObj(x) && isId(x['user_id']) && isId(x['channel_id']) && isId(x['message_id']) && isObj(x['emoji']);
}

export interface TypingEvent {
  channel_id: string;
  user_id: string;
  timestamp: number;
  guild_id?: string;
  member?: APIGuildMember;
}
export function isTypingEvent(x: unknown): x is TypingEvent {
  return isObj(x) && isId(x['channel_id']) && isId(x['user_id']);
}

export interface AckEvent {
  channel_id: string;
  message_id: string;
  mention_count?: number;
}
export function isAckEvent(x: unknown): x is AckEvent {
  return isObj(x) && isId(x['channel_id']) && isId(x['message_id']) && (x['mention_count'] === undefined || isNum(x['mention_count']));
}

export function isMessageDelete(x: unknown): x is { id: string; channel_id: string } {
  return isObj(x) && isId(x['id']) && isId(x['channel_id']);
}
export function isMessageDeleteBulk(x: unknown): x is { ids: string[]; channel_id: string } {
  return isObj(x) && Array.isArray(x['ids']) && x['ids'].every(isId) && isId(x['channel_id']);
}
export function isGuildRoleEvent(x: unknown): x is { guild_id: string; role: APIRole } {
  return isObj(x) && isId(x['guild_id']) && isRole(x['role']);
}
export function isGuildRoleDelete(x: unknown): x is { guild_id: string; role_id: string } {
  return isObj(x) && isId(x['guild_id']) && isId(x['role_id']);
}
export function isGuildMemberEvent(x: unknown): x is APIGuildMember & { guild_id: string } {
  return isMember(x) && isId((x as unknown as Obj)['guild_id']);
}
export function isGuildMemberRemove(x: unknown): x is { guild_id: string; user: APIUser } {
  return isObj(x) && isId(x['guild_id']) && isUser(x['user']);
}
export function isGuildDelete(x: unknown): x is { id: string; unavailable?: boolean } {
  return isObj(x) && isId(x['id']);
}
export function isPinsUpdate(x: unknown): x is { channel_id: string; last_pin_timestamp?: string | null } {
  return isObj(x) && isId(x['channel_id']);
}
/** Counts frames that failed a decoder, per event; shown in the developer console. */
export const decodeFailures = new Map<string, number>();
export function countDecodeFailure(event: string, data: unknown): void {
  decodeFailures.set(event, (decodeFailures.get(event) ?? 0) + 1);
  console.warn(`dropped malformed ${event}`, data);
}
