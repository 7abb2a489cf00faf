import { describe, expect, it } from 'vitest';
import { callDurationText, callMessageKind, callMessageSentence } from './callText.ts';

const started = Date.parse('2024-05-01T10:00:00.000Z');

describe('call message text', () => {
  it('words durations as Discord does', () => {
    expect(callDurationText(3_000)).toBe('a few seconds');
    expect(callDurationText(50_000)).toBe('a minute');
    expect(callDurationText(12 * 60_000)).toBe('12 minutes');
    expect(callDurationText(60 * 60_000)).toBe('an hour');
    expect(callDurationText(3 * 3_600_000)).toBe('3 hours');
  });

  it('says who started an ended call and how long it lasted, for those who were in it', () => {
    const call = { participants: ['1', '2'], endedAtMs: started + 5 * 60_000 };
    expect(callMessageKind(call, '1', '2')).toBe('ended');
    expect(callMessageSentence(call, started, 'ended', 'Ava')).toBe('Ava started a call that lasted 5 minutes.');
  });

  it('is a missed call for a recipient who never joined, and never for the caller', () => {
    const call = { participants: ['1'], endedAtMs: started + 20_000 };
    expect(callMessageKind(call, '1', '2')).toBe('missed');
    expect(callMessageKind(call, '1', '1')).toBe('ended');
    expect(callMessageSentence(call, started, 'missed', 'Ava')).toBe('You missed a call from Ava that lasted a few seconds.');
  });

  it('is ongoing while the call has no end', () => {
    const call = { participants: ['1'], endedAtMs: null };
    expect(callMessageKind(call, '1', '2')).toBe('ongoing');
    expect(callMessageSentence(call, started, 'ongoing', 'Ava')).toBe('Ava started a call.');
  });
});
