// The contract every cluster bus keeps, run on real NATS and real Redis (busContract.test.ts):
// one order and one numbering on every node, history for nodes that start late, bad entries
// dropped and counted, publish that never throws.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusMessage } from './EventBus.ts';
import type { BusErrorHandler, OrderedLogBus } from './OrderedLogBus.ts';

export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface BusHarness {
  /** A node on the cluster `cluster` (each test uses a fresh name). */
  open(cluster: string, onError: BusErrorHandler): Promise<OrderedLogBus>;
  /** Appends raw bytes to the cluster's log, as a broken or hostile peer would. */
  appendRaw(cluster: string, bytes: Uint8Array): Promise<void>;
}

interface Seen {
  m: BusMessage;
  position: number;
}

export function record(bus: OrderedLogBus): Seen[] {
  const seen: Seen[] = [];
  bus.subscribe((m, position) => seen.push({ m, position }));
  return seen;
}

export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const message = (n: number, guild = '1'): BusMessage => ({ kind: 'dispatch', scope: `g:${guild}`, t: 'TYPING_START', d: { channel_id: String(n), user_id: '2', timestamp: n } });

export function describeOrderedLogBus(name: string, harness: BusHarness): void {
  describe(`${name} bus contract`, () => {
    const opened: OrderedLogBus[] = [];
    let errors: string[] = [];
    const cluster = () => `t${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const open = async (c: string) => {
      const bus = await harness.open(c, (where, e) => errors.push(`${where}: ${String(e)}`));
      opened.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      const seen = errors;
      errors = [];
      expect(seen.filter((e) => !e.startsWith('handler:'))).toEqual([]);
    });

    it('delivers messages from two nodes to both nodes in one order under the same positions', async () => {
      const c = cluster();
      const a = await open(c);
      const b = await open(c);
      const seenA = record(a);
      const seenB = record(b);
      await a.start();
      await b.start();
      for (let i = 0; i < 200; i++) (i % 2 === 0 ? a : b).publish(message(i, i % 3 === 0 ? '1' : '2'));
      await until(() => seenA.length === 200 && seenB.length === 200);
      expect(seenB).toEqual(seenA);
      const positions = seenA.map((s) => s.position);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
      expect(new Set(positions).size).toBe(200);
      // Each publisher's messages keep their publish order (per scope and overall).
      const fromA = seenA.filter((s) => s.m.kind === 'dispatch' && s.m.t === 'TYPING_START' && Number(s.m.d.channel_id) % 2 === 0).map((s) => s.m.kind === 'dispatch' && s.m.t === 'TYPING_START' && Number(s.m.d.channel_id));
      expect(fromA).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
      expect(a.position).toBe(positions.at(-1));
    });

    it('gives a node that starts late the retained history first, under the same positions', async () => {
      const c = cluster();
      const a = await open(c);
      const seenA = record(a);
      await a.start();
      for (let i = 0; i < 20; i++) a.publish(message(i));
      await until(() => seenA.length === 20);
      const late = await open(c);
      const seenLate = record(late);
      await late.start();
      await until(() => seenLate.length === 20);
      expect(seenLate).toEqual(seenA);
    });

    it('carries state changes with bigint permission bits intact', async () => {
      const c = cluster();
      const a = await open(c);
      const seen = record(a);
      await a.start();
      const role = { id: '10', guild_id: '1', name: 'mods', color: 0, hoist: false, position: 1, permissions: (1n << 50n) | 8n, managed: false, mentionable: false, icon: null, unicode_emoji: null, bot_id: null };
      a.publish({ kind: 'stateChange', origin: 'n1', change: { type: 'rolesPut', roles: [role] } });
      await until(() => seen.length === 1);
      expect(seen[0]!.m).toEqual({ kind: 'stateChange', origin: 'n1', change: { type: 'rolesPut', roles: [role] } });
    });

    it('drops and counts entries that are not bus messages, and goes on', async () => {
      const c = cluster();
      const a = await open(c);
      const seen = record(a);
      await a.start();
      const bad = ['', 'M{', 'M{"kind":"dispatch","scope":"x:1","t":"TYPING_START","d":{}}', 'M{"kind":"dispatch","scope":"g:1","t":"NOT_AN_EVENT","d":{}}', 'S{"kind":"nope"}', '\u0000\u0001binary'];
      for (const b of bad) await harness.appendRaw(c, new TextEncoder().encode(b));
      a.publish(message(1));
      await until(() => seen.length === 1);
      expect(a.stats.malformed).toBe(bad.length);
      expect(seen[0]!.m).toEqual(message(1));
    });

    it('tells a waiter when the node has caught up with a position, and gives up after the timeout', async () => {
      const c = cluster();
      const a = await open(c);
      const seen = record(a);
      await a.start();
      const waiting = a.caughtUpTo(3, 5000);
      for (let i = 0; i < 3; i++) a.publish(message(i));
      expect(await waiting).toBe(true);
      expect(seen.length).toBe(3);
      expect(await a.caughtUpTo(1_000_000, 100)).toBe(false);
    });

    it('keeps a handler that throws from stopping delivery to the others', async () => {
      const c = cluster();
      const a = await open(c);
      a.subscribe(() => {
        throw new Error('handler bug');
      });
      const seen = record(a);
      await a.start();
      a.publish(message(1));
      a.publish(message(2));
      await until(() => seen.length === 2);
      expect(a.stats.handlerErrors).toBe(2);
      expect(errors).toEqual(['handler: Error: handler bug', 'handler: Error: handler bug']);
    });
  });
}
