// The RESUME replay buffer through its public API: bounded by count and by age, and exact: a
// resume gets every missed event its session wanted, in order, or null when some are gone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayBuffer, type BufferedEvent } from './ReplayBuffer.ts';

const T0 = 1_715_711_531_000;
const WINDOW_MS = 60_000;

function event(seq: number, scope = 'g1', atMs = T0): BufferedEvent {
  return { seq, scope, t: 'MESSAGE_CREATE', d: { seq }, atMs };
}

const everything = () => true;
const seqs = (events: readonly BufferedEvent[] | null) => (events === null ? null : events.map((e) => e.seq));

function filled(capacity: number, count: number, atMs = T0): ReplayBuffer {
  const buffer = new ReplayBuffer(capacity, WINDOW_MS);
  for (let seq = 1; seq <= count; seq++) buffer.push(event(seq, 'g1', atMs));
  return buffer;
}

describe('ReplayBuffer size bound', () => {
  it('holds up to its capacity and no more', () => {
    const buffer = new ReplayBuffer(3, WINDOW_MS);
    expect(buffer.length).toBe(0);
    buffer.push(event(1));
    buffer.push(event(2));
    expect(buffer.length).toBe(2);
    for (let seq = 3; seq <= 10; seq++) buffer.push(event(seq));
    expect(buffer.length).toBe(3);
  });

  it('drops the oldest events first when full', () => {
    expect(seqs(filled(3, 5).since(2, everything, T0))).toEqual([3, 4, 5]);
  });

  it('answers null for a resume from before the oldest dropped event', () => {
    const buffer = filled(3, 5);
    expect(buffer.since(0, everything, T0)).toBeNull();
    expect(buffer.since(1, everything, T0)).toBeNull();
  });

  it('replays exactly when the session had seen the last dropped event', () => {
    expect(seqs(filled(3, 5).since(2, everything, T0))).toEqual([3, 4, 5]);
    expect(seqs(filled(3, 5).since(4, everything, T0))).toEqual([5]);
  });

  it('keeps oldest-first order after wrapping around many times', () => {
    const buffer = filled(4, 103);
    expect(seqs(buffer.since(99, everything, T0))).toEqual([100, 101, 102, 103]);
    expect(buffer.since(98, everything, T0)).toBeNull();
  });
});

describe('ReplayBuffer resume window', () => {
  it('keeps an event exactly as old as the window and drops it one millisecond later', () => {
    const buffer = new ReplayBuffer(10, WINDOW_MS);
    buffer.push(event(1, 'g1', T0));
    buffer.push(event(2, 'g1', T0 + 10));
    expect(seqs(buffer.since(0, everything, T0 + WINDOW_MS))).toEqual([1, 2]);
    expect(buffer.since(0, everything, T0 + WINDOW_MS + 1)).toBeNull();
    expect(seqs(buffer.since(1, everything, T0 + WINDOW_MS + 1))).toEqual([2]);
    expect(buffer.length).toBe(1);
  });

  it('expires on demand, oldest first, and reports what is left', () => {
    const buffer = new ReplayBuffer(10, WINDOW_MS);
    for (let seq = 1; seq <= 4; seq++) buffer.push(event(seq, 'g1', T0 + seq * 1000));
    buffer.expire(T0 + 2000 + WINDOW_MS + 1);
    expect(buffer.length).toBe(2);
    expect(buffer.since(1, everything, T0 + 2000 + WINDOW_MS + 1)).toBeNull();
    expect(seqs(buffer.since(2, everything, T0 + 2000 + WINDOW_MS + 1))).toEqual([3, 4]);
    buffer.expire(T0 + 10 * WINDOW_MS);
    expect(buffer.length).toBe(0);
    expect(seqs(buffer.since(4, everything, T0 + 10 * WINDOW_MS))).toEqual([]);
  });

  it('refuses a resume from before events that aged out even if the buffer never filled', () => {
    const buffer = new ReplayBuffer(1000, WINDOW_MS);
    buffer.push(event(1, 'g1', T0));
    buffer.push(event(2, 'g1', T0 + WINDOW_MS));
    expect(buffer.since(0, everything, T0 + WINDOW_MS + 1)).toBeNull();
  });

  it('keeps accepting events after everything expired', () => {
    const buffer = new ReplayBuffer(3, WINDOW_MS);
    buffer.push(event(1, 'g1', T0));
    buffer.expire(T0 + 2 * WINDOW_MS);
    buffer.push(event(2, 'g1', T0 + 2 * WINDOW_MS));
    buffer.push(event(3, 'g1', T0 + 2 * WINDOW_MS));
    expect(seqs(buffer.since(1, everything, T0 + 2 * WINDOW_MS))).toEqual([2, 3]);
  });
});

describe('ReplayBuffer since(seq, filter)', () => {
  it('returns nothing for a session that is up to date, or ahead', () => {
    const buffer = filled(10, 5);
    expect(buffer.since(5, everything, T0)).toEqual([]);
    expect(buffer.since(9, everything, T0)).toEqual([]);
  });

  it('returns everything after the sequence from a buffer that has dropped nothing', () => {
    expect(seqs(filled(10, 5).since(0, everything, T0))).toEqual([1, 2, 3, 4, 5]);
  });

  it('returns only the scopes the session wants, in order, with the gaps between them', () => {
    const buffer = new ReplayBuffer(10, WINDOW_MS);
    const scopes = ['g1', 'g2', 'dm:7', 'g1', 'g3', 'g2', 'g1'];
    scopes.forEach((scope, i) => buffer.push(event(i + 1, scope)));
    const wanted = new Set(['g1', 'dm:7']);
    const replayed = buffer.since(1, (scope) => wanted.has(scope), T0);
    expect(seqs(replayed)).toEqual([3, 4, 7]);
    expect(replayed?.map((e) => e.scope)).toEqual(['dm:7', 'g1', 'g1']);
  });

  it('returns the events as they were pushed', () => {
    const buffer = new ReplayBuffer(4, WINDOW_MS);
    const e: BufferedEvent = { seq: 1, scope: 'g1', t: 'GUILD_UPDATE', d: { id: 'g1', name: 'renamed' }, atMs: T0 };
    buffer.push(e);
    expect(buffer.since(0, everything, T0)).toEqual([e]);
  });

  it('answers null rather than a partial list when a dropped event was not even wanted', () => {
    // The buffer cannot know which scopes the session had then, so a gap is a gap.
    const buffer = new ReplayBuffer(2, WINDOW_MS);
    buffer.push(event(1, 'other'));
    buffer.push(event(2, 'g1'));
    buffer.push(event(3, 'g1'));
    expect(buffer.since(0, (scope) => scope === 'g1', T0)).toBeNull();
  });

  it('replays exactly what a model list holds for any pushes, capacity and resume point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.constantFrom('g1', 'g2', 'g3'), { maxLength: 40 }),
        fc.nat({ max: 45 }),
        fc.subarray(['g1', 'g2', 'g3']),
        (capacity, scopes, afterSeq, wantedScopes) => {
          const buffer = new ReplayBuffer(capacity, WINDOW_MS);
          const all = scopes.map((scope, i) => event(i + 1, scope));
          for (const e of all) buffer.push(e);
          const kept = all.slice(-capacity);
          const oldestKeptSeq = kept[0]?.seq ?? 1;
          const evictedSome = all.length > capacity;
          const replayed = buffer.since(afterSeq, (scope) => wantedScopes.includes(scope), T0);
          if (evictedSome && afterSeq < oldestKeptSeq - 1) {
            expect(replayed).toBeNull();
          } else {
            expect(seqs(replayed)).toEqual(kept.filter((e) => e.seq > afterSeq && wantedScopes.includes(e.scope)).map((e) => e.seq));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
