// The vanity URL field's rules as the server applies them (2-32 lower-case letters, digits and
// dashes; tier 3 only) and the inline message for each refusal: 50020 when the code is taken by any
// invite, 50035 with the field's own message when it is malformed, 50101 below Level 3.
import { RestError } from '@concord/client';
import { BOOSTS_FOR_TIER, ErrorCode, type FieldErrors } from '@concord/protocol';
import { errorText } from '../session/actions.ts';

export const VANITY_MAX_LENGTH = 32;

export interface VanityRefusal {
  /** Discord's error code when the server answered with one, else null (a network error). */
  code: number | null;
  text: string;
}

function firstFieldMessage(errors: FieldErrors | undefined, field: string): string | null {
  const node = errors?.[field];
  if (!node || Array.isArray(node)) return null;
  return node._errors?.[0]?.message ?? null;
}

/** What the field shows under it when saving was refused. */
export function vanityRefusal(err: unknown): VanityRefusal {
  if (!(err instanceof RestError)) return { code: null, text: errorText(err) };
  switch (err.code) {
    case ErrorCode.InvalidInviteCode:
      return { code: err.code, text: 'That vanity URL is taken. Invite codes are unique across the whole instance: try another.' };
    case ErrorCode.InvalidFormBody:
      return { code: err.code, text: firstFieldMessage(err.errors, 'code') ?? errorText(err) };
    case ErrorCode.ServerNeedsMoreBoosts:
      return { code: err.code, text: `This server needs Level 3 (${BOOSTS_FOR_TIER[3]} Boosts) for a vanity URL.` };
    default:
      return { code: err.code, text: errorText(err) };
  }
}

/** What the input holds, as the server will store it (it lower-cases; empty clears). */
export function normalizeVanityInput(raw: string): string {
  return raw.trim().toLowerCase();
}
