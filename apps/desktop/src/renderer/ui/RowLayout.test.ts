import { describe, expect, it } from 'vitest';
import { RowLayout } from './RowLayout.ts';

describe('RowLayout', () => {
  it('keeps the rendered window small for 100,000 rows', () => {
    const layout = new RowLayout();
    const keys = Array.from({ length: 100_000 }, (_, i) => String(i));
    layout.rebuild(keys, () => 40);
    expect(layout.totalHeight).toBe(4_000_000);
    for (const top of [0, 1_234_567, 3_999_000]) {
      const [start, end] = layout.visibleRange(top, 800, 600);
      expect(end - start).toBeLessThan(200);
      expect(layout.offsetOf(start)).toBeLessThanOrEqual(Math.max(0, top - 600));
    }
  });

  it('uses measured heights over estimates', () => {
    const layout = new RowLayout();
    layout.setMeasured('b', 100);
    layout.rebuild(['a', 'b', 'c'], () => 10);
    expect(layout.offsetOf(2)).toBe(110);
    expect(layout.indexAt(50)).toBe(1);
    expect(layout.indexAt(111)).toBe(2);
  });
});
