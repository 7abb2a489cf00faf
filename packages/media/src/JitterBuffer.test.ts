import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JitterBuffer, type JitterOutput } from './JitterBuffer.ts';

const payloadOf = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >> 8) & 0xff);
const numberOf = (p: Uint8Array): number => (p[0] ?? 0) | ((p[1] ?? 0) << 8);
const describeOutput = (out: JitterOutput): string =>
  out.kind === 'packet' ? `p${String(numberOf(out.payload))}` : out.kind === 'fec' ? `fec${String(numberOf(out.next))}` : out.kind;

/** Pushes packet i (sequence start+i) at 20 ms spacing and pops once per tick. */
function pushAt(buffer: JitterBuffer, start: number, i: number, arrivalMs = i * 20): ReturnType<JitterBuffer['push']> {
  return buffer.push((start + i) & 0xffff, (i * 960) >>> 0, payloadOf(i), arrivalMs);
}

describe('JitterBuffer', () => {
  it('plays in order across the 16-bit sequence wrap-around', () => {
    const buffer = new JitterBuffer();
    const played: string[] = [];
    for (let i = 0; i < 10; i++) {
      pushAt(buffer, 65_530, i);
      played.push(describeOutput(buffer.pop()));
    }
    expect(played).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    expect(buffer.stats.lost).toBe(0);
  });

  it('reorders, drops duplicates and too-late packets, and counts them', () => {
    const buffer = new JitterBuffer({ minDelayMs: 60 });
    for (const i of [0, 2, 1, 2]) pushAt(buffer, 100, i);
    expect(buffer.stats.duplicate).toBe(1);
    const played = [buffer.pop(), buffer.pop(), buffer.pop()].map(describeOutput);
    expect(played).toEqual(['p0', 'p1', 'p2']);
    expect(pushAt(buffer, 100, 1)).toBe('duplicate');
    expect(pushAt(buffer, 100, 40 - 64)).toBe('late');
    expect(buffer.stats.late).toBe(1);
  });

  it('waits for the target delay before starting', () => {
    const buffer = new JitterBuffer({ minDelayMs: 60 });
    pushAt(buffer, 0, 0);
    expect(buffer.pop().kind).toBe('silence');
    pushAt(buffer, 0, 1);
    expect(buffer.pop().kind).toBe('silence');
    pushAt(buffer, 0, 2);
    expect(describeOutput(buffer.pop())).toBe('p0');
  });

  it('offers the next packet for FEC when exactly one is missing, and PLC for a longer gap', () => {
    const buffer = new JitterBuffer({ minDelayMs: 20 });
    pushAt(buffer, 7, 0);
    expect(describeOutput(buffer.pop())).toBe('p0');
    pushAt(buffer, 7, 2); // 1 lost
    expect(describeOutput(buffer.pop())).toBe('fec2');
    expect(describeOutput(buffer.pop())).toBe('p2');
    pushAt(buffer, 7, 6); // 3, 4, 5 lost
    const gap = [buffer.pop(), buffer.pop(), buffer.pop(), buffer.pop()].map(describeOutput);
    expect(gap).toEqual(['plc', 'plc', 'fec6', 'p6']);
    expect(buffer.stats.lost).toBe(4);
    expect(buffer.stats.fecRecovered).toBe(2);
    expect(buffer.stats.concealed).toBe(2);
  });

  it('conceals a few empty ticks, then reports silence (DTX) and restarts on the next talk spurt', () => {
    const buffer = new JitterBuffer({ maxConcealFrames: 2 });
    pushAt(buffer, 0, 0);
    buffer.pop();
    expect([buffer.pop(), buffer.pop(), buffer.pop(), buffer.pop()].map((o) => o.kind)).toEqual(['plc', 'plc', 'silence', 'silence']);
    // The speaker resumes: RTP sequence numbers continue, the timestamp jumped.
    buffer.push(1, 960 * 50, payloadOf(1), 1000);
    expect(describeOutput(buffer.pop())).toBe('p1');
    expect(buffer.stats.lost).toBe(0);
  });

  it('plays a late packet that arrives while it is being concealed (the delay grows by a frame)', () => {
    const buffer = new JitterBuffer();
    pushAt(buffer, 0, 0);
    buffer.pop();
    expect(buffer.pop().kind).toBe('plc');
    pushAt(buffer, 0, 1, 45);
    expect(describeOutput(buffer.pop())).toBe('p1');
    expect(buffer.stats.lost).toBe(0);
  });

  it('keeps the target at the minimum for steady arrivals and raises it under jitter, within the maximum', () => {
    const steady = new JitterBuffer();
    for (let i = 0; i < 200; i++) pushAt(steady, 0, i, i * 20);
    expect(steady.stats.jitterMs).toBeLessThan(0.01);
    expect(steady.stats.targetDelayMs).toBe(20);

    const jittery = new JitterBuffer();
    for (let i = 0; i < 200; i++) pushAt(jittery, 0, i, i * 20 + (i % 2 === 0 ? 0 : 30));
    expect(jittery.stats.jitterMs).toBeGreaterThan(20);
    expect(jittery.stats.targetDelayMs).toBeGreaterThanOrEqual(60);
    expect(jittery.stats.targetDelayMs).toBeLessThanOrEqual(200);

    const wild = new JitterBuffer({ maxDelayMs: 120 });
    for (let i = 0; i < 200; i++) pushAt(wild, 0, i, i * 20 + (i % 2 === 0 ? 0 : 400));
    expect(wild.stats.targetDelayMs).toBe(120);
  });

  it('drops the oldest packets when a burst leaves it far above the target delay', () => {
    const buffer = new JitterBuffer();
    for (let i = 0; i < 10; i++) pushAt(buffer, 0, i, 0);
    const out: string[] = [];
    for (let i = 0; i < 10; i++) out.push(describeOutput(buffer.pop()));
    expect(buffer.stats.droppedForLatency).toBeGreaterThan(0);
    expect(out.at(-1)).not.toBe('p9'); // finished early because frames were dropped
  });

  it('starts over when the sender jumps to an unrelated sequence number', () => {
    const buffer = new JitterBuffer();
    pushAt(buffer, 0, 0);
    buffer.pop();
    expect(buffer.push(20_000, 0, payloadOf(77), 40)).toBe('reset');
    expect(describeOutput(buffer.pop())).toBe('p77');
    for (let i = 0; i < 30; i++) buffer.push(19_000 + i, 0, payloadOf(i), 60);
    expect(buffer.stats.resets).toBe(2); // 25 late packets in a row also mean a restart
  });

  it('never plays a packet twice or out of order, whatever the reordering, loss and duplication', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.record({ index: fc.integer({ min: 0, max: 120 }), delayMs: fc.integer({ min: 0, max: 150 }) }), { maxLength: 200 }),
        (start, sends) => {
          const buffer = new JitterBuffer();
          const arrivals = sends.map((s) => ({ index: s.index, at: s.index * 20 + s.delayMs })).sort((a, b) => a.at - b.at);
          const played: number[] = [];
          let cursor = 0;
          for (let tick = 0; tick < 200; tick++) {
            while (cursor < arrivals.length && (arrivals[cursor]?.at ?? Infinity) <= tick * 20) {
              const a = arrivals[cursor++];
              if (a !== undefined) pushAt(buffer, start, a.index, a.at);
            }
            const out = buffer.pop();
            if (out.kind === 'packet') played.push(numberOf(out.payload));
            expect(buffer.stats.bufferedFrames).toBeGreaterThanOrEqual(0);
          }
          for (let i = 1; i < played.length; i++) expect(played[i]).toBeGreaterThan(played[i - 1] ?? -1);
          const unique = new Set(sends.map((s) => s.index)).size;
          expect(played.length).toBeLessThanOrEqual(unique);
        },
      ),
      { numRuns: 300 },
    );
  });
});
