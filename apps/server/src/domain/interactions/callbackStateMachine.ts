// The first answer to an interaction: pending until the bot calls back once, within 3 seconds,
// with a response type that fits the interaction type; then acknowledged for good (a second
// callback is 40060). Follow-ups need an acknowledged interaction, and the first one after a
// deferred response fills in the "thinking..." placeholder instead of posting a new message.
import { InteractionResponseType as Response, InteractionType } from '@concord/protocol';
import { DomainError } from '../DomainError.ts';
import type { InteractionState } from './Interaction.ts';

/** Which callback types answer which interaction types. */
const ALLOWED_RESPONSES: Readonly<Record<number, ReadonlySet<number>>> = {
  [InteractionType.APPLICATION_COMMAND]: new Set([Response.CHANNEL_MESSAGE_WITH_SOURCE, Response.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, Response.MODAL]),
  [InteractionType.MESSAGE_COMPONENT]: new Set([
    Response.CHANNEL_MESSAGE_WITH_SOURCE,
    Response.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
    Response.DEFERRED_UPDATE_MESSAGE,
    Response.UPDATE_MESSAGE,
    Response.MODAL,
  ]),
  [InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE]: new Set([Response.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT]),
  [InteractionType.MODAL_SUBMIT]: new Set([Response.CHANNEL_MESSAGE_WITH_SOURCE, Response.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, Response.DEFERRED_UPDATE_MESSAGE, Response.UPDATE_MESSAGE]),
};

export const PENDING: InteractionState = { status: 'pending' };

export interface CallbackAttempt {
  interactionType: number;
  state: InteractionState;
  /** Time since the interaction was created. */
  ageMs: number;
  /** How long the first answer may take (3 s unless configured). */
  windowMs: number;
  responseType: number;
}

/** Throws what Discord answers to a callback that may not happen: 40060, 10062 (too late) or 50035 (wrong type). */
export function checkCallback(a: CallbackAttempt): void {
  if (a.state.status === 'acknowledged') throw new DomainError('InteractionAlreadyAcknowledged');
  if (a.ageMs > a.windowMs) throw new DomainError('UnknownInteraction');
  if (!ALLOWED_RESPONSES[a.interactionType]?.has(a.responseType)) {
    throw DomainError.fieldError('type', 'INTERACTION_RESPONSE_TYPE_INVALID', `Response type ${a.responseType} is not valid for interaction type ${a.interactionType}`);
  }
}

/** The state once a callback of this type is accepted. */
export function acknowledge(responseType: number): InteractionState {
  return { status: 'acknowledged', responseType };
}

/** Follow-ups go through the token only after the first answer (else 10015, as Discord). */
export function checkFollowUp(state: InteractionState): asserts state is Extract<InteractionState, { status: 'acknowledged' }> {
  if (state.status !== 'acknowledged') throw new DomainError('UnknownWebhook');
}

/** Whether a follow-up may fill in a deferred response's placeholder rather than post a new message. */
export function wasDeferred(state: InteractionState): boolean {
  return state.status === 'acknowledged' && state.responseType === Response.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE;
}
