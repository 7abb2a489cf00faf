// Finding the node that holds a user's ephemeral message or modal from the other nodes' answers off
// the bus: the first "held" wins for a message, the latest-opened for a modal, and failed, silent
// or malformed answers count as "not held" (malformed ones counted).
import { describe, expect, it } from 'vitest';
import { firstHolder, HeldAnswerSchema, newestHolder, type AskedNode } from './holderSearch.ts';

const never = new Promise<unknown>(() => undefined);
const after = (ms: number, value: unknown) => new Promise<unknown>((r) => setTimeout(() => r(value), ms));

describe('HeldAnswerSchema', () => {
  it('takes the two answers a node gives and nothing else', () => {
    expect(HeldAnswerSchema.safeParse({ held: false }).success).toBe(true);
    expect(HeldAnswerSchema.safeParse({ held: true, expiresAtMs: 5 }).success).toBe(true);
    for (const bad of [null, 'yes', {}, { held: 'true' }, { held: true }, { held: true, expiresAtMs: -1 }, { held: true, expiresAtMs: '5' }]) {
      expect(HeldAnswerSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('firstHolder', () => {
  it('answers with the first node that holds it without waiting for a silent one', async () => {
    const asked: AskedNode[] = [
      { node: 'a', answer: never },
      { node: 'b', answer: after(5, { held: false }) },
      { node: 'c', answer: after(10, { held: true, expiresAtMs: 1 }) },
    ];
    expect(await firstHolder(asked)).toBe('c');
  });

  it('is null once every node said no, failed or answered garbage (garbage counted), and at once when there is nobody to ask', async () => {
    let malformed = 0;
    const asked: AskedNode[] = [
      { node: 'a', answer: Promise.resolve({ held: false }) },
      { node: 'b', answer: Promise.reject(new Error('gone')) },
      { node: 'c', answer: Promise.resolve({ held: 'yes' }) },
      { node: 'd', answer: Promise.resolve(undefined) },
    ];
    expect(await firstHolder(asked, () => malformed++)).toBeNull();
    expect(malformed).toBe(2);
    expect(await firstHolder([])).toBeNull();
  });
});

describe('newestHolder', () => {
  it('picks the node holding the latest-opened modal once all answered; ties go to the smallest name', async () => {
    const asked: AskedNode[] = [
      { node: 'b', answer: after(5, { held: true, expiresAtMs: 100 }) },
      { node: 'c', answer: Promise.resolve({ held: true, expiresAtMs: 300 }) },
      { node: 'a', answer: after(10, { held: true, expiresAtMs: 200 }) },
      { node: 'd', answer: Promise.reject(new Error('silent')) },
    ];
    expect(await newestHolder(asked)).toBe('c');
    const tie: AskedNode[] = [
      { node: 'y', answer: Promise.resolve({ held: true, expiresAtMs: 7 }) },
      { node: 'x', answer: Promise.resolve({ held: true, expiresAtMs: 7 }) },
    ];
    expect(await newestHolder(tie)).toBe('x');
    expect(await newestHolder([{ node: 'a', answer: Promise.resolve({ held: false }) }])).toBeNull();
  });

  it('does not wait for a silent node longer than the grace after the first holder answered; with no holder it waits for all', async () => {
    const start = performance.now();
    const asked: AskedNode[] = [
      { node: 'a', answer: never },
      { node: 'b', answer: after(5, { held: true, expiresAtMs: 1 }) },
      { node: 'c', answer: after(20, { held: true, expiresAtMs: 2 }) },
    ];
    expect(await newestHolder(asked, undefined, 100)).toBe('c');
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(400);
    const slowNo: AskedNode[] = [
      { node: 'a', answer: after(150, { held: false }) },
      { node: 'b', answer: Promise.resolve({ held: false }) },
    ];
    const t0 = performance.now();
    expect(await newestHolder(slowNo, undefined, 10)).toBeNull();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
