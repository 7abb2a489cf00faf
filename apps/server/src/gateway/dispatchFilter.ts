// What a per-session recipient (a bot with intents, a sharded session) gets of one dispatch: its
// shard's guilds only, only events its intents ask for, and message content only with
// MESSAGE_CONTENT (or when it wrote or is mentioned in the message), as Discord filters them.
// Pure and allocation-free unless content is stripped: it runs once per recipient per event.
import { EVENT_INTENT, GatewayIntents, type DispatchEventName } from '@concord/protocol';
import { guildInShard } from './GatewaySession.ts';

const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_DELETE_BULK']);
const REACTION_EVENTS: ReadonlySet<string> = new Set(['MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI']);

/** Returned when the recipient does not get the event at all. */
export const WITHHELD: unique symbol = Symbol('withheld');

export interface DispatchRecipient {
  readonly intents: number | null;
  readonly shard: readonly [number, number] | null;
  readonly user: { readonly id: string };
}

/** The payload this recipient gets (`d` itself, or a copy without content), or WITHHELD. */
export function filterDispatch(r: DispatchRecipient, t: DispatchEventName, d: unknown): unknown {
  const data = typeof d === 'object' && d !== null ? d : null;
  const guildId = data && 'guild_id' in data && typeof data.guild_id === 'string' && data.guild_id !== '' ? data.guild_id : undefined;
  if (guildId && !guildInShard(r.shard, guildId)) return WITHHELD;
  const intents = r.intents;
  if (intents === null) return d;
  let needed = EVENT_INTENT[t];
  if (MESSAGE_EVENTS.has(t)) needed = guildId ? GatewayIntents.GUILD_MESSAGES : GatewayIntents.DIRECT_MESSAGES;
  else if (REACTION_EVENTS.has(t)) needed = guildId ? GatewayIntents.GUILD_MESSAGE_REACTIONS : GatewayIntents.DIRECT_MESSAGE_REACTIONS;
  else if (t === 'TYPING_START') needed = guildId ? GatewayIntents.GUILD_MESSAGE_TYPING : GatewayIntents.DIRECT_MESSAGE_TYPING;
  if (needed !== undefined && (intents & needed) === 0) return WITHHELD;
  if ((t === 'MESSAGE_CREATE' || t === 'MESSAGE_UPDATE') && (intents & GatewayIntents.MESSAGE_CONTENT) === 0 && guildId && data) {
    if (!isAuthorOrMentioned(data, r.user.id)) return { ...data, content: '', embeds: [], attachments: [], components: [] };
  }
  return d;
}

function isAuthorOrMentioned(message: object, userId: string): boolean {
  if ('author' in message && typeof message.author === 'object' && message.author !== null && 'id' in message.author && message.author.id === userId) return true;
  if (!('mentions' in message) || !Array.isArray(message.mentions)) return false;
  const mentions: readonly unknown[] = message.mentions;
  for (const u of mentions) {
    if (typeof u === 'object' && u !== null && 'id' in u && u.id === userId) return true;
  }
  return false;
}
