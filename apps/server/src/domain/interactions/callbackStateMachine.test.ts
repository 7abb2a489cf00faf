import { InteractionResponseType as Response, InteractionType } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../DomainError.ts';
import { acknowledge, checkCallback, checkFollowUp, PENDING, wasDeferred, type CallbackAttempt } from './callbackStateMachine.ts';

const attempt = (over: Partial<CallbackAttempt> = {}): CallbackAttempt => ({
  interactionType: InteractionType.APPLICATION_COMMAND,
  state: PENDING,
  ageMs: 100,
  windowMs: 3000,
  responseType: Response.CHANNEL_MESSAGE_WITH_SOURCE,
  ...over,
});

function codeOf(f: () => void): number | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('callback state machine', () => {
  it('accepts the first answer within the window', () => {
    expect(codeOf(() => checkCallback(attempt()))).toBeNull();
  });

  it('refuses a second answer with 40060, a late one with 10062', () => {
    expect(codeOf(() => checkCallback(attempt({ state: acknowledge(Response.CHANNEL_MESSAGE_WITH_SOURCE) })))).toBe(40060);
    expect(codeOf(() => checkCallback(attempt({ ageMs: 3001 })))).toBe(10062);
  });

  it('allows only the response types that fit the interaction type (50035 otherwise)', () => {
    expect(codeOf(() => checkCallback(attempt({ responseType: Response.UPDATE_MESSAGE })))).toBe(50035);
    expect(codeOf(() => checkCallback(attempt({ interactionType: InteractionType.MESSAGE_COMPONENT, responseType: Response.UPDATE_MESSAGE })))).toBeNull();
    expect(codeOf(() => checkCallback(attempt({ interactionType: InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE, responseType: Response.CHANNEL_MESSAGE_WITH_SOURCE })))).toBe(50035);
    expect(codeOf(() => checkCallback(attempt({ interactionType: InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE, responseType: Response.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT })))).toBeNull();
    expect(codeOf(() => checkCallback(attempt({ interactionType: InteractionType.MODAL_SUBMIT, responseType: Response.MODAL })))).toBe(50035);
  });

  it('lets follow-ups through only after the first answer, and knows a deferred one', () => {
    expect(codeOf(() => checkFollowUp(PENDING))).toBe(10015);
    expect(codeOf(() => checkFollowUp(acknowledge(Response.CHANNEL_MESSAGE_WITH_SOURCE)))).toBeNull();
    expect(wasDeferred(acknowledge(Response.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE))).toBe(true);
    expect(wasDeferred(acknowledge(Response.CHANNEL_MESSAGE_WITH_SOURCE))).toBe(false);
    expect(wasDeferred(PENDING)).toBe(false);
  });
});
