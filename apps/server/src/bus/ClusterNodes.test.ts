import { afterEach, describe, expect, it } from 'vitest';
import { ClusterNodes } from './ClusterNodes.ts';
import type { BusMessage } from './EventBus.ts';
import { InProcessEventBus } from './InProcessEventBus.ts';

/** The in-process bus with log semantics: a message published by a handler goes after the one being handled, as on NATS/Redis. */
class QueuedBus extends InProcessEventBus {
  private readonly queue: BusMessage[] = [];
  private draining = false;
  override publish(message: BusMessage): void {
    this.queue.push(message);
    if (this.draining) return;
    this.draining = true;
    for (let m = this.queue.shift(); m; m = this.queue.shift()) super.publish(m);
    this.draining = false;
  }
}

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
    expect(order).toEqual(['b:hello', 'a:beat', 'a:presence', 'b:beat']);
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

  it('ignores stale beats replayed from the log and malformed bodies', () => {
    const bus = new QueuedBus();
    const a = open(bus, 'a');
    bus.publish({ kind: 'replica', origin: 'old', topic: 'node', body: { event: 'hello', at: clock - 60_000 } });
    bus.publish({ kind: 'replica', origin: 'x', topic: 'node', body: { event: 'beat', at: 'soon' } });
    bus.publish({ kind: 'replica', origin: 'y', topic: 'node', body: null });
    expect(a.liveNodes()).toEqual(['a']);
  });
});
