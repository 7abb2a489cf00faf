import { afterEach, describe, expect, it } from 'vitest';
import { ClusterNodes } from './ClusterNodes.ts';
import type { BusMessage } from './EventBus.ts';
import { QueuedBus } from './QueuedBus.ts';

describe('ClusterNodes', () => {
  let clock = 1_000_000;
  const now = () => clock;
  const opened: ClusterNodes[] = [];
  const open = (bus: QueuedBus, name: string) => {
    const n = new ClusterNodes(bus, name, { heartbeatMs: 60_000, deadAfterMs: 15_000, now });
    opened.push(n);
    return n;
  };
  afterEach(() => {
    for (const n of opened.splice(0)) n.close();
  });

  it('learns a newcomer, beats back before announcing, and elects the smallest live name', () => {
    const bus = new QueuedBus();
    const a = open(bus, 'a');
    const order: string[] = [];
    bus.subscribe((m: BusMessage) => {
      if (m.kind === 'replica') order.push(`${m.origin}:${(m.body as { event?: string }).event ?? m.topic}`);
    });
    a.onJoin((node) => bus.publish({ kind: 'replica', origin: 'a', topic: 'presence', body: { to: node } }));
    const b = open(bus, 'b');
    b.start();
    expect(order).toEqual(['b:hello', 'a:welcome', 'a:presence']);
    expect(a.liveNodes()).toEqual(['a', 'b']);
    expect(b.isAlive('a')).toBe(true);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
  });

  it('marks a silent node down after deadAfterMs and one that says bye at once', () => {
    const bus = new QueuedBus();
    const a = open(bus, 'a');
    const down: string[] = [];
    a.onDown((n) => down.push(n));
    const b = open(bus, 'b');
    const c = open(bus, 'c');
    b.start();
    c.start();
    clock += 10_000;
    a.sweep();
    expect(down).toEqual([]);
    clock += 6_000;
    a.sweep();
    expect(down.sort()).toEqual(['b', 'c']);
    // b beats again: alive again (a joins it anew)
    bus.publish({ kind: 'replica', origin: 'b', topic: 'node', body: { event: 'beat', at: clock } });
    expect(a.isAlive('b')).toBe(true);
    b.close();
    expect(down).toEqual(['b', 'c', 'b']);
    expect(a.isAlive('b')).toBe(false);
    expect(a.isLeader()).toBe(true);
  });

  it('a node the others dropped while it noticed nothing announces its state again when welcomed back', () => {
    const bus = new QueuedBus();
    const a = open(bus, 'a');
    const b = open(bus, 'b');
    const announcedByB: string[] = [];
    b.onJoin((n) => announcedByB.push(n));
    b.start();
    expect(announcedByB).toEqual(['a']);
    // a hears nothing from b for 16 s (b's bus stalled) and drops it; b noticed nothing.
    clock += 16_000;
    a.sweep();
    expect(a.isAlive('b')).toBe(false);
    expect(b.isAlive('a')).toBe(true);
    bus.publish({ kind: 'replica', origin: 'b', topic: 'node', body: { event: 'beat', at: clock } });
    expect(a.isAlive('b')).toBe(true);
    expect(announcedByB).toEqual(['a', 'a']);
  });

  it('after its own pause a node gives the others a fresh start instead of declaring them down', () => {
    const bus = new QueuedBus();
    const a = new ClusterNodes(bus, 'a', { heartbeatMs: 5_000, deadAfterMs: 15_000, now });
    opened.push(a);
    const down: string[] = [];
    a.onDown((n) => down.push(n));
    a.start();
    open(bus, 'b').start();
    clock += 30_000;
    a.tick();
    expect(down).toEqual([]);
    expect(a.isAlive('b')).toBe(true);
    clock += 5_000;
    a.tick();
    clock += 5_000;
    a.tick();
    clock += 5_000;
    a.tick();
    clock += 1_000;
    a.sweep();
    expect(down).toEqual(['b']);
  });

  it('ignores stale beats replayed from the log and malformed bodies', () => {
    const bus = new QueuedBus();
    const a = open(bus, 'a');
    bus.publish({ kind: 'replica', origin: 'old', topic: 'node', body: { event: 'hello', at: clock - 60_000 } });
    bus.publish({ kind: 'replica', origin: 'x', topic: 'node', body: { event: 'beat', at: 'soon' } });
    bus.publish({ kind: 'replica', origin: 'y', topic: 'node', body: null });
    expect(a.liveNodes()).toEqual(['a']);
  });
});
