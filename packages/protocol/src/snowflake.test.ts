// Snowflakes are the primary keys of every object and the order of every message list, so the
// generator must match Discord's bit layout and never repeat or go backwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DISCORD_EPOCH_MS,
  SnowflakeGenerator,
  compareSnowflakes,
  isSnowflake,
  snowflakeFromTimestampMs,
  snowflakeTimestampMs,
} from './snowflake.ts';

const T0 = Date.UTC(2024, 4, 14, 18, 32, 11, 401);

/** A clock that returns the given readings in order, then keeps returning the last one. */
function scriptedClock(readingsMs: number[]): () => number {
  let i = 0;
  return () => readingsMs[Math.min(i++, readingsMs.length - 1)]!;
}

function fields(id: string) {
  const n = BigInt(id);
  return {
    sinceEpochMs: Number(n >> 22n),
    workerId: Number((n >> 17n) & 0x1fn),
    processId: Number((n >> 12n) & 0x1fn),
    increment: Number(n & 0xfffn),
  };
}

function expectStrictlyIncreasing(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (!(BigInt(ids[i]!) > BigInt(ids[i - 1]!))) {
      throw new Error(`id #${i} ${ids[i]} is not greater than #${i - 1} ${ids[i - 1]}`);
    }
  }
}

describe('snowflake epoch and timestamps', () => {
  it('uses the Discord epoch, 2015-01-01T00:00:00Z', () => {
    expect(DISCORD_EPOCH_MS).toBe(Date.UTC(2015, 0, 1, 0, 0, 0, 0));
    expect(new Date(DISCORD_EPOCH_MS).toISOString()).toBe('2015-01-01T00:00:00.000Z');
  });

  it('reads the timestamp of the example id in Discord docs (175928847299117063 -> 2016-04-30T11:18:25.796Z)', () => {
    expect(new Date(snowflakeTimestampMs('175928847299117063')).toISOString()).toBe('2016-04-30T11:18:25.796Z');
    expect(fields('175928847299117063')).toEqual({ sinceEpochMs: 41944705796, workerId: 1, processId: 0, increment: 7 });
  });

  it('round-trips the generation time through snowflakeTimestampMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: DISCORD_EPOCH_MS, max: DISCORD_EPOCH_MS + 2 ** 41 }), (nowMs) => {
        const id = new SnowflakeGenerator(3, 4, () => nowMs).next();
        expect(snowflakeTimestampMs(id)).toBe(nowMs);
      }),
      { numRuns: 500 },
    );
  });

  it('makes snowflakeFromTimestampMs the smallest id of that millisecond', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: DISCORD_EPOCH_MS + 1, max: DISCORD_EPOCH_MS + 2 ** 41 }),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 31 }),
        (timestampMs, workerId, processId) => {
          const lower = snowflakeFromTimestampMs(timestampMs);
          expect(snowflakeTimestampMs(lower)).toBe(timestampMs);
          expect(fields(lower)).toMatchObject({ workerId: 0, processId: 0, increment: 0 });
          const madeThen = new SnowflakeGenerator(workerId, processId, () => timestampMs).next();
          const madeBefore = new SnowflakeGenerator(31, 31, () => timestampMs - 1).next();
          expect(BigInt(madeThen) >= BigInt(lower)).toBe(true);
          expect(BigInt(madeBefore) < BigInt(lower)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('clamps times before the epoch to id 0', () => {
    expect(snowflakeFromTimestampMs(0)).toBe('0');
    expect(snowflakeFromTimestampMs(DISCORD_EPOCH_MS)).toBe('0');
  });
});

describe('SnowflakeGenerator bit layout', () => {
  it.each([
    [0, 0],
    [1, 0],
    [0, 1],
    [31, 0],
    [0, 31],
    [31, 31],
    [21, 10],
  ])('puts worker %i in bits 17-21 and process %i in bits 12-16', (workerId, processId) => {
    const id = new SnowflakeGenerator(workerId, processId, () => T0).next();
    expect(fields(id)).toEqual({ sinceEpochMs: T0 - DISCORD_EPOCH_MS, workerId, processId, increment: 0 });
  });

  it('counts the increment in the low 12 bits within one millisecond', () => {
    const gen = new SnowflakeGenerator(5, 6, () => T0);
    const ids = Array.from({ length: 4 }, () => gen.next());
    expect(ids.map((id) => fields(id).increment)).toEqual([0, 1, 2, 3]);
    expect(ids.every((id) => fields(id).workerId === 5 && fields(id).processId === 6)).toBe(true);
  });

  it('restarts the increment at 0 in a new millisecond', () => {
    const gen = new SnowflakeGenerator(0, 0, scriptedClock([T0, T0, T0, T0 + 1]));
    const ids = [gen.next(), gen.next(), gen.next(), gen.next()];
    expect(fields(ids[3]!)).toMatchObject({ sinceEpochMs: T0 + 1 - DISCORD_EPOCH_MS, increment: 0 });
  });

  it('emits decimal strings that isSnowflake accepts', () => {
    const id = new SnowflakeGenerator(31, 31, () => T0).next();
    expect(id).toMatch(/^[1-9]\d{17,19}$/);
    expect(isSnowflake(id)).toBe(true);
  });

  it.each([
    [32, 0],
    [0, 32],
    [-1, 0],
    [0, -1],
    [1.5, 0],
    [0, Number.NaN],
  ])('rejects worker %s / process %s outside 0..31', (workerId, processId) => {
    expect(() => new SnowflakeGenerator(workerId, processId, () => T0)).toThrow(RangeError);
  });
});

describe('SnowflakeGenerator ordering', () => {
  it('stays strictly increasing when the clock goes backwards', () => {
    const readings = [T0, T0 + 5, T0 - 1_000, T0 - 1_000, T0 - 60_000, T0 + 2, T0 + 5, T0 + 6, T0 + 3, T0 + 7];
    const gen = new SnowflakeGenerator(1, 2, scriptedClock(readings));
    const ids = readings.map(() => gen.next());
    expectStrictlyIncreasing(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // While the clock is behind, ids keep the last issued timestamp instead of the clock's.
    expect(ids.map(snowflakeTimestampMs).map((ms) => ms - T0)).toEqual([0, 5, 5, 5, 5, 5, 5, 6, 6, 7]);
  });

  it('stays strictly increasing under an arbitrary jittering clock', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 2, maxLength: 200 }), (offsetsMs) => {
        const gen = new SnowflakeGenerator(7, 9, scriptedClock(offsetsMs.map((o) => T0 + o)));
        expectStrictlyIncreasing(offsetsMs.map(() => gen.next()));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps 10000 ids made in one millisecond unique and increasing by borrowing the next milliseconds', () => {
    const gen = new SnowflakeGenerator(0, 0, () => T0);
    const ids = Array.from({ length: 10_000 }, () => gen.next());
    expectStrictlyIncreasing(ids);
    expect(new Set(ids).size).toBe(10_000);
    expect(fields(ids[4095]!)).toMatchObject({ sinceEpochMs: T0 - DISCORD_EPOCH_MS, increment: 4095 });
    expect(fields(ids[4096]!)).toMatchObject({ sinceEpochMs: T0 + 1 - DISCORD_EPOCH_MS, increment: 0 });
    expect(fields(ids[8192]!)).toMatchObject({ sinceEpochMs: T0 + 2 - DISCORD_EPOCH_MS, increment: 0 });
  });

  it('does not reuse a borrowed millisecond when the clock catches up with it', () => {
    const readings = [...Array<number>(4097).fill(T0), T0 + 1, T0 + 1, T0 + 2];
    const gen = new SnowflakeGenerator(0, 0, scriptedClock(readings));
    const ids = readings.map(() => gen.next());
    expectStrictlyIncreasing(ids);
    expect(fields(ids[4097]!)).toMatchObject({ sinceEpochMs: T0 + 1 - DISCORD_EPOCH_MS, increment: 1 });
  });
});

describe('compareSnowflakes', () => {
  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['175928847299117063', '175928847299117063', 0],
    ['175928847299117063', '175928847299117064', -1],
    ['99999999999999999', '100000000000000000', -1],
    ['18446744073709551615', '9223372036854775808', 1],
    ['0', '1', -1],
    ['0042', '5', 1],
    ['0042', '42', 0],
    ['007', '10', -1],
  ])('compares %s with %s as %i (numerically, not as text)', (a, b, sign) => {
    expect(Math.sign(compareSnowflakes(a, b))).toBe(sign);
  });

  it('agrees with BigInt ordering for any two u64 values', () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(Math.sign(compareSnowflakes(a, b))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts a shuffled list of ids into generation order', () => {
    const gen = new SnowflakeGenerator(0, 0, scriptedClock([DISCORD_EPOCH_MS + 1, DISCORD_EPOCH_MS + 2, T0, T0 + 1]));
    const ids = [gen.next(), gen.next(), gen.next(), gen.next()];
    const shuffled = [ids[2]!, ids[0]!, ids[3]!, ids[1]!];
    expect(shuffled.sort(compareSnowflakes)).toEqual(ids);
  });
});

describe('isSnowflake', () => {
  it.each(['0', '1', '175928847299117063', '18446744073709551615', '00000000000000000001'])('accepts %s', (value) => {
    expect(isSnowflake(value)).toBe(true);
  });

  it.each([
    ['2^64', '18446744073709551616'],
    ['a 20-digit value above 2^64', '99999999999999999999'],
    ['21 digits', '123456789012345678901'],
    ['the empty string', ''],
    ['a negative', '-1'],
    ['letters', 'abc'],
    ['a trailing letter', '175928847299117063a'],
    ['exponent notation', '1e18'],
    ['a decimal point', '1.0'],
    ['whitespace', ' 175928847299117063'],
    ['a trailing newline', '175928847299117063\n'],
    ['full-width digits', '１２３'],
    // What a client that parsed the id as a JSON number sends (the nearest double, not the id).
    ['a number', Number(175928847299117063n)],
    ['a bigint', 175928847299117063n],
    ['null', null],
  ])('rejects %s', (_label, value) => {
    expect(isSnowflake(value)).toBe(false);
  });
});
