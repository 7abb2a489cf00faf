// A windowed, bottom-anchored scroller for chat: only rows near the viewport are in the DOM
// (a few dozen even for 100,000 messages). Heights are measured with one ResizeObserver; the
// scroll position follows the bottom while the user is there, and otherwise keeps the first
// visible row still when rows above it appear, disappear or change size (loading older pages).
import { useImperativeHandle, useLayoutEffect, useMemo, useReducer, useRef, useState, type ReactNode, type Ref } from 'react';
import { RowLayout } from './RowLayout.ts';

export interface ScrollState {
  atBottom: boolean;
  distanceFromBottomPx: number;
  scrollTopPx: number;
  viewportPx: number;
}

export interface VirtualScrollerHandle {
  scrollToBottom(): void;
  /** Brings a row into view; false when the key is not in the list. */
  scrollToKey(key: string, align?: 'center' | 'start'): boolean;
  isAtBottom(): boolean;
  /** Number of row elements currently mounted (benchmarks count these). */
  mountedRows(): number;
}

export interface VirtualScrollerProps<T extends { key: string }> {
  items: readonly T[];
  estimateHeight: (item: T) => number;
  renderItem: (item: T) => ReactNode;
  onScrollState?: (state: ScrollState) => void;
  overscanPx?: number;
  className?: string;
  handleRef?: Ref<VirtualScrollerHandle>;
  testId?: string;
}

export function VirtualScroller<T extends { key: string }>({
  items,
  estimateHeight,
  renderItem,
  onScrollState,
  overscanPx = 700,
  className,
  handleRef,
  testId,
}: VirtualScrollerProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const layoutRef = useRef<RowLayout>(null);
  if (!layoutRef.current) layoutRef.current = new RowLayout();
  const layout = layoutRef.current;
  const [measureVersion, bumpMeasure] = useReducer((x: number) => x + 1, 0);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  const stickRef = useRef(true);
  const anchorRef = useRef<{ key: string; delta: number } | null>(null);
  const onScrollStateRef = useRef(onScrollState);
  onScrollStateRef.current = onScrollState;

  const keys = useMemo(() => items.map((i) => i.key), [items]);
  useMemo(() => {
    layout.rebuild(keys, (i) => estimateHeight(items[i]!));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys, measureVersion]);
  useMemo(() => layout.prune(new Set(keys)), [keys, layout]);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const entry of entries) {
              const key = (entry.target as HTMLElement).dataset['vkey'];
              // borderBoxSize is missing before Safari 15.4, whatever the DOM types say.
              const boxSizes = 'borderBoxSize' in entry ? entry.borderBoxSize : undefined;
              const h = boxSizes?.[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
              if (key && layout.setMeasured(key, h)) changed = true;
            }
            if (changed) bumpMeasure();
          }),
    [layout],
  );

  const total = layout.totalHeight;
  const padTop = Math.max(0, viewport.height - total);
  const [start, end] = layout.visibleRange(Math.max(0, viewport.top - padTop), viewport.height || 1000, overscanPx);

  const report = () => {
    const el = scrollRef.current;
    if (!el) return;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    onScrollStateRef.current?.({ atBottom: distance < 4, distanceFromBottomPx: distance, scrollTopPx: el.scrollTop, viewportPx: el.clientHeight });
  };

  const captureAnchor = (el: HTMLDivElement) => {
    const pad = Math.max(0, el.clientHeight - layout.totalHeight);
    const index = layout.indexAt(Math.max(0, el.scrollTop - pad));
    const key = layout.keyAt(index);
    anchorRef.current = key ? { key, delta: pad + layout.offsetOf(index) - el.scrollTop } : null;
  };

  // Keep the view where the user expects it after any change of rows or heights.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (stickRef.current) {
      const target = el.scrollHeight - el.clientHeight;
      if (Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
    } else if (anchorRef.current) {
      const index = layout.indexOfKey(anchorRef.current.key);
      if (index >= 0) {
        const pad = Math.max(0, el.clientHeight - layout.totalHeight);
        const desired = pad + layout.offsetOf(index) - anchorRef.current.delta;
        if (Math.abs(el.scrollTop - desired) > 1) el.scrollTop = desired;
      }
    }
  });

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setViewport({ top: el.scrollTop, height: el.clientHeight });
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      const wasStuck = stickRef.current;
      setViewport({ top: el.scrollTop, height: el.clientHeight });
      if (wasStuck) el.scrollTop = el.scrollHeight;
      report();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => report());

  useImperativeHandle(handleRef, () => ({
    scrollToBottom() {
      const el = scrollRef.current;
      if (!el) return;
      stickRef.current = true;
      el.scrollTop = el.scrollHeight;
      setViewport({ top: el.scrollTop, height: el.clientHeight });
    },
    scrollToKey(key, align = 'center') {
      const el = scrollRef.current;
      const index = layout.indexOfKey(key);
      if (!el || index < 0) return false;
      stickRef.current = false;
      const pad = Math.max(0, el.clientHeight - layout.totalHeight);
      const rowTop = pad + layout.offsetOf(index);
      const rowHeight = layout.offsetOf(index + 1) - layout.offsetOf(index);
      el.scrollTop = align === 'center' ? rowTop - el.clientHeight / 2 + rowHeight / 2 : rowTop;
      captureAnchor(el);
      setViewport({ top: el.scrollTop, height: el.clientHeight });
      return true;
    },
    isAtBottom: () => stickRef.current,
    mountedRows: () => scrollRef.current?.querySelectorAll('[data-vkey]').length ?? 0,
  }));

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i]!;
    rows.push(
      <div
        key={item.key}
        className="row"
        data-vkey={item.key}
        style={{ top: padTop + layout.offsetOf(i) }}
        ref={(el) => {
          if (!el || !observer) return;
          observer.observe(el);
          return () => observer.unobserve(el);
        }}
      >
        {renderItem(item)}
      </div>,
    );
  }

  return (
    <div
      ref={scrollRef}
      className={`scroller ${className ?? ''}`}
      data-testid={testId}
      tabIndex={-1}
      onScroll={(e) => {
        const el = e.currentTarget;
        stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
        captureAnchor(el);
        setViewport({ top: el.scrollTop, height: el.clientHeight });
        report();
      }}
    >
      <div className="scroller-content" style={{ height: Math.max(total, viewport.height) }}>
        {rows}
      </div>
    </div>
  );
}
