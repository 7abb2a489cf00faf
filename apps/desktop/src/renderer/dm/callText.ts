// What a CALL message says, as Discord's client words it: "X started a call that lasted N minutes."
// for those who were in it (or while it goes on, "X started a call."), and "You missed a call from
// X that lasted N minutes." for a recipient who never joined. Pure, so it is unit-tested.
import type { MessageCall } from './callDecoders.ts';

/** Discord's duration wording: "a few seconds", "a minute", "N minutes", "an hour", "N hours". */
export function callDurationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 45_000) return 'a few seconds';
  if (minutes <= 1) return 'a minute';
  if (minutes < 45) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  return hours <= 1 ? 'an hour' : `${hours} hours`;
}

export type CallMessageKind = 'ongoing' | 'ended' | 'missed';

export function callMessageKind(call: MessageCall, authorId: string, selfId: string): CallMessageKind {
  if (authorId !== selfId && !call.participants.includes(selfId)) return call.endedAtMs === null ? 'ongoing' : 'missed';
  return call.endedAtMs === null ? 'ongoing' : 'ended';
}

/** " that lasted N minutes" once the call ended, else "" (the message's words around the name are the component's). */
export function callLastedText(call: MessageCall, startedAtMs: number): string {
  return call.endedAtMs === null ? '' : ` that lasted ${callDurationText(Math.max(0, call.endedAtMs - startedAtMs))}`;
}

/** The whole sentence with the author's name, as plain text (notifications, tests, screen readers). */
export function callMessageSentence(call: MessageCall, startedAtMs: number, kind: CallMessageKind, authorName: string): string {
  const lasted = callLastedText(call, startedAtMs);
  return kind === 'missed' ? `You missed a call from ${authorName}${lasted}.` : `${authorName} started a call${lasted}.`;
}
