// What a page keeps for the next load of its tab to rejoin voice (voiceRejoin.dom.ts): the guild,
// the channel, the mute/deafen flags and when. Read back from sessionStorage, so parsed, not trusted.
import { z } from 'zod';
import { parseJsonWith } from '../state/parseJsonWith.ts';

const snowflake = z.string().regex(/^\d{1,20}$/);
/** A reload takes seconds; a tab restored after this long does not rejoin voice. */
export const REJOIN_WINDOW_MS = 60_000;

export interface RejoinTarget {
  guildId: string;
  channelId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  savedAtMs: number;
}

const RejoinTargetSchema = z.object({
  guildId: snowflake,
  channelId: snowflake,
  selfMute: z.unknown().transform((v) => v === true),
  selfDeaf: z.unknown().transform((v) => v === true),
  savedAtMs: z.number().finite(),
});

/** Reads what a previous page of this tab stored; anything malformed, or older than the window at `nowMs`, is dropped. */
export function parseRejoinTarget(raw: string | null, nowMs: number): RejoinTarget | null {
  const target = parseJsonWith(RejoinTargetSchema, raw);
  if (target === null || Math.abs(nowMs - target.savedAtMs) > REJOIN_WINDOW_MS) return null;
  return target;
}
