import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeJson, snowflakeArgSchema } from './ipcArgumentSchemas.main.ts';

const limits = { maxDepth: 32, maxBytes: 1024 * 1024 };

/** An object whose prototype is not Object.prototype. */
class Widget {
  constructor(readonly sizePx: number) {}
}

describe('findUnsafeJson', () => {
  it('accepts any JSON value that round-trips through JSON.parse (fuzzed)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const roundTripped: unknown = JSON.parse(JSON.stringify(value));
        const problem = findUnsafeJson(roundTripped, limits);
        // The only JSON fast-check can produce that we refuse is an object with a forbidden key.
        if (problem !== null) expect(problem).toMatch(/forbidden key/);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever structured clone could deliver (fuzzed)', () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true, withBigInt: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        const problem = findUnsafeJson(value, limits);
        expect(problem === null || typeof problem === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses depth beyond the limit, a cycle, and a value over the size budget', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findUnsafeJson(deep, limits)).toMatch(/deeper/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(findUnsafeJson(cyclic, limits)).toMatch(/deeper/);
    expect(findUnsafeJson(['x'.repeat(2 * 1024 * 1024)], limits)).toMatch(/larger/);
    // A DAG that is tiny in memory but exponential when walked stops at the byte budget.
    let wide: unknown = 'x'.repeat(100);
    for (let i = 0; i < 30; i++) wide = [wide, wide];
    expect(findUnsafeJson(wide, limits)).toMatch(/larger|deeper/);
  });

  it.each([
    ['a Date', new Date()],
    ['a class instance', new Widget(12)],
    ['a function', () => 1],
    ['a bigint', 1n],
    ['undefined', undefined],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s', (_what, value) => {
    expect(findUnsafeJson({ value }, limits)).not.toBeNull();
  });
});

describe('snowflakeArgSchema', () => {
  it('accepts canonical snowflakes up to int64 max and nothing else', () => {
    for (const ok of ['1', '175928847299117063', '9223372036854775807']) expect(snowflakeArgSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', '0', '007', '9223372036854775808', '18446744073709551615', '1e5', ' 1', '1 ', '-1', '١٢٣']) {
      expect(snowflakeArgSchema.safeParse(bad).success).toBe(false);
    }
  });
});
