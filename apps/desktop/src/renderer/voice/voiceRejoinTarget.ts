// What a page keeps for the next load of its tab to rejoin voice (voiceRejoin.dom.ts): the guild,
// the channel, the mute/deafen flags and when. Read back from sessionStorage, so parsed, not trusted.
const SNOWFLAKE = /^\d{1,20}$/;
/** A reload takes seconds; a tab restored after this long does not rejoin voice. */
export const REJOIN_WINDOW_MS = 60_000;

export interface RejoinTarget {
  guildId: string;
  channelId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  savedAtMs: number;
}

/** Reads what a previous page of this tab stored; anything malformed, or older than the window at `nowMs`, is dropped. */
export function parseRejoinTarget(raw: string | null, nowMs: number): RejoinTarget | null {
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
  const savedAtMs: unknown = Reflect.get(value, 'savedAtMs');
  if (typeof savedAtMs !== 'number' || !Number.isFinite(savedAtMs) || nowMs - savedAtMs > REJOIN_WINDOW_MS || savedAtMs - nowMs > REJOIN_WINDOW_MS) return null;
  if (typeof guildId !== 'string' || !SNOWFLAKE.test(guildId) || typeof channelId !== 'string' || !SNOWFLAKE.test(channelId)) return null;
  return { guildId, channelId, selfMute: selfMute === true, selfDeaf: selfDeaf === true, savedAtMs };
}

