import { describe, expect, it } from 'vitest';
import { withoutEntries, withoutKey } from './records.ts';

describe('withoutKey', () => {
  it('returns a copy without the key and leaves the original alone', () => {
    const record = { a: 1, b: 2, c: 3 };
    const copy = withoutKey(record, 'b');
    expect(copy).toEqual({ a: 1, c: 3 });
    expect(Object.keys(copy)).toEqual(['a', 'c']);
    expect(record).toEqual({ a: 1, b: 2, c: 3 });
    expect(copy).not.toBe(record);
  });

  it('returns an equal copy when the key is absent', () => {
    expect(withoutKey({ a: 1 }, 'z')).toEqual({ a: 1 });
  });
});

describe('withoutEntries', () => {
  it('drops the entries the predicate picks, by value or by key, and keeps the order', () => {
    const record = { x: 'guild1', y: 'guild2', z: 'guild1' };
    expect(withoutEntries(record, (value) => value === 'guild1')).toEqual({ y: 'guild2' });
    expect(Object.keys(withoutEntries(record, (_value, key) => key === 'y'))).toEqual(['x', 'z']);
    expect(record).toEqual({ x: 'guild1', y: 'guild2', z: 'guild1' });
  });
});
