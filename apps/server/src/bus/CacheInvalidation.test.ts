import { afterEach, describe, expect, it } from 'vitest';
import { CacheInvalidation, LOCAL_CACHES, parseInvalidation, type ReloadIds } from './CacheInvalidation.ts';
import { ClusterNodes } from './ClusterNodes.ts';
import type { BusMessage } from './EventBus.ts';
import { InProcessEventBus } from './InProcessEventBus.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));
/** The ids of one reload as a sorted list ('all' as ['*']). */
const list = (ids: ReloadIds) => (ids === 'all' ? ['*'] : [...ids].sort());

describe('invalidation bodies off the wire', () => {
  it('takes { what, id } and drops everything else', () => {
    expect(parseInvalidation({ what: 'webhook', id: '123456789012345678' })).toEqual({ what: 'webhook', id: '123456789012345678' });
    const hostile: unknown[] = [
      null,
      undefined,
      'webhook',
      42,
      [],
      ['webhook', '1'],
      {},
      { what: 'webhook' },
      { id: '1' },
      { what: 'users', id: '1' },
      { what: '__proto__', id: '1' },
      { what: 'webhook', id: 1 },
      { what: 'webhook', id: '' },
      { what: 'webhook', id: '../../etc/passwd' },
      { what: 'webhook', id: 'a b' },
      { what: 'webhook', id: 'x'.repeat(81) },
      { what: 'webhook', id: '1', extra: true },
      JSON.parse('{"what":"webhook","id":"1","__proto__":{"polluted":1}}'),
    ];
    for (const body of hostile) expect(parseInvalidation(body), JSON.stringify(body)).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('in one process a write just runs and nothing is published', async () => {
    const bus = new InProcessEventBus();
    const seen: BusMessage[] = [];
    bus.subscribe((m) => seen.push(m));
    expect(await LOCAL_CACHES.write('webhook', '1', () => Promise.resolve(7))).toBe(7);
    expect(seen).toEqual([]);
  });
});

describe('CacheInvalidation between two nodes on one bus', () => {
  const opened: { close(): void }[] = [];
  afterEach(() => {
    for (const o of opened.splice(0)) o.close();
  });
  const node = (bus: InProcessEventBus, name: string, retryMs = 1_000) => {
    const cluster = new ClusterNodes(bus, name);
    const caches = new CacheInvalidation(bus, cluster, { retryMs, retries: 2 });
    opened.push(caches, cluster);
    return caches;
  };

  it('the other node reloads the written id after the write; the writer does not; hostile bodies are dropped', async () => {
    const bus = new InProcessEventBus();
    const a = node(bus, 'a');
    const b = node(bus, 'b');
    const reloadsA: string[][] = [];
    const reloadsB: string[][] = [];
    a.onReload('webhook', (ids) => void reloadsA.push(list(ids)));
    b.onReload('webhook', (ids) => void reloadsB.push(list(ids)));
    let committed = false;
    await a.write('webhook', '11', () => {
      committed = true;
      // Published only once the write settled: nothing reloaded yet.
      expect(reloadsB).toEqual([]);
      return Promise.resolve();
    });
    expect(committed).toBe(true);
    await b.settled();
    expect(reloadsB).toEqual([['11']]);
    expect(reloadsA).toEqual([]);

    bus.publish({ kind: 'replica', origin: 'a', topic: 'invalidate', body: { what: 'webhook', id: '../x' } });
    bus.publish({ kind: 'replica', origin: 'a', topic: 'invalidate', body: 'webhook:11' });
    bus.publish({ kind: 'replica', origin: 'a', topic: 'invalidate', body: { what: 'nope', id: '1' } });
    await b.settled();
    expect(reloadsB).toHaveLength(1);
    expect(b.dropped).toBe(3);
  });

  it('a failed write still tells the others (they re-read whatever the store holds)', async () => {
    const bus = new InProcessEventBus();
    const a = node(bus, 'a');
    const b = node(bus, 'b');
    const reloads: string[][] = [];
    b.onReload('emoji', (ids) => void reloads.push(list(ids)));
    await expect(a.write('emoji', '5', () => Promise.reject(new Error('half written')))).rejects.toThrow('half written');
    await b.settled();
    expect(reloads).toEqual([['5']]);
  });

  it('invalidations arriving while a reload waits join it: one store read for many ids', async () => {
    const bus = new InProcessEventBus();
    const a = node(bus, 'a');
    const b = node(bus, 'b');
    const reloads: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    b.onReload('autoModRule', async (ids) => {
      reloads.push(list(ids));
      if (reloads.length === 1) await gate;
    });
    await a.write('autoModRule', '1', () => Promise.resolve());
    await tick();
    for (const id of ['2', '3', '4', '3']) await a.write('autoModRule', id, () => Promise.resolve());
    release();
    await b.settled();
    expect(reloads).toEqual([['1'], ['2', '3', '4']]);
    expect(b.reloaded).toBe(4);
  });

  it("a reload that read the row before this node's own write cannot land after that write", async () => {
    // The store (the truth) and node b's memory of one record.
    let stored = 'v1';
    let memory = 'v0';
    const bus = new InProcessEventBus();
    const a = node(bus, 'a');
    const b = node(bus, 'b');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    b.onReload('application', async () => {
      const read = stored;
      await gate; // a slow store answer
      memory = read;
    });
    await a.write('application', '9', () => Promise.resolve());
    await tick();
    // b writes the same record while its reload of a's write is still out.
    const own = b.write('application', '9', () => {
      stored = 'v2';
      memory = 'v2';
      return Promise.resolve();
    });
    release();
    await own;
    await b.settled();
    expect(stored).toBe('v2');
    expect(memory).toBe('v2');
  });

  it('when a node goes down every kind is reloaded whole (its last invalidation may never have been sent)', async () => {
    const bus = new InProcessEventBus();
    const b = node(bus, 'b');
    const reloads: string[][] = [];
    b.onReload('webhook', (ids) => void reloads.push(list(ids)));
    b.onReload('tokens', (ids) => void reloads.push(list(ids)));
    bus.publish({ kind: 'replica', origin: 'c', topic: 'node', body: { event: 'hello', at: Date.now() } });
    await b.settled();
    expect(reloads).toEqual([]);
    bus.publish({ kind: 'replica', origin: 'c', topic: 'node', body: { event: 'bye', at: Date.now() } });
    await b.settled();
    expect(reloads).toEqual([['*'], ['*']]);
  });

  it('a failed reload is retried', async () => {
    const bus = new InProcessEventBus();
    const a = node(bus, 'a');
    const b = node(bus, 'b', 5);
    let calls = 0;
    b.onReload('premium', () => {
      calls++;
      if (calls === 1) throw new Error('store down');
    });
    await a.write('premium', '77', () => Promise.resolve());
    await b.settled();
    await new Promise((r) => setTimeout(r, 30));
    await b.settled();
    expect(calls).toBe(2);
    expect(b.reloaded).toBe(1);
    expect(b.failed).toBe(0);
  });
});
