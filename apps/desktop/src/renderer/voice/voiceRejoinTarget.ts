// What a page keeps for the next load of its tab to rejoin voice (voiceRejoin.dom.ts): the guild,
// the channel and the mute/deafen flags. Read back from sessionStorage, so parsed, not trusted.
const SNOWFLAKE = /^\d{1,20}$/;

export interface RejoinTarget {
  guildId: string;
  channelId: string;
  selfMute: boolean;
  selfDeaf: boolean;
}

/** Reads what a previous page of this tab stored; anything malformed is dropped. */
export function parseRejoinTarget(raw: string | null): RejoinTarget | null {
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const guildId: unknown = Reflect.get(value, 'guildId');
  const channelId: unknown = Reflect.get(value, 'channelId');
  const selfMute: unknown = Reflect.get(value, 'selfMute');
  const selfDeaf: unknown = Reflect.get(value, 'selfDeaf');
  if (typeof guildId !== 'string' || !SNOWFLAKE.test(guildId) || typeof channelId !== 'string' || !SNOWFLAKE.test(channelId)) return null;
  return { guildId, channelId, selfMute: selfMute === true, selfDeaf: selfDeaf === true };
}

