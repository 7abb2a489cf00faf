// The forwarding of interaction calls between two nodes on one in-process bus (every message reaches
// both, as the cluster log does): answers and DomainErrors come back whole, a holder that is gone
// or silent answers HolderUnavailableError, and hostile bodies are dropped, never served.
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError, RateLimitedError } from '../domain/DomainError.ts';
import { ClusterNodes } from './ClusterNodes.ts';
import { InProcessEventBus } from './InProcessEventBus.ts';
import { HolderUnavailableError, InteractionForwarder, type ForwardedCall } from './InteractionForwarder.ts';

const opened: { close(): unknown }[] = [];
afterEach(() => {
  for (const o of opened.splice(0).reverse()) o.close();
});

const probe: ForwardedCall = { op: 'probe', applicationId: '1', token: 't' };

function twoNodes(serveOnB: (call: ForwardedCall) => Promise<unknown>, timeoutMs = 1_000) {
  const bus = new InProcessEventBus();
  const nodesA = new ClusterNodes(bus, 'a');
  const nodesB = new ClusterNodes(bus, 'b');
  const served: ForwardedCall[] = [];
  const a = new InteractionForwarder(bus, nodesA, () => Promise.reject(new Error('A holds nothing')), { timeoutMs });
  const b = new InteractionForwarder(bus, nodesB, (call) => {
    served.push(call);
    return serveOnB(call);
  }, { timeoutMs });
  opened.push(nodesA, nodesB, a, b);
  nodesA.start();
  nodesB.start();
  return { bus, nodesA, nodesB, a, b, served };
}

describe('InteractionForwarder', () => {
  it('runs a call on the holder and answers with its result', async () => {
    const { a, served } = twoNodes(async (call) => ({ echoed: call.op, nested: { ok: true } }));
    const call: ForwardedCall = { op: 'callback', interactionId: '42', token: 'tok', body: { type: 4, data: { content: 'hi' } }, withResponse: true };
    expect(await a.forward('b', call)).toEqual({ echoed: 'callback', nested: { ok: true } });
    expect(served).toEqual([call]);
    // No result (a 204 route) stays none.
    const none = twoNodes(async () => undefined);
    expect(await none.a.forward('b', probe)).toBeUndefined();
  });

  it('brings the holder\'s DomainError back with its code, status, message and field errors, and a rate limit with its retry-after', async () => {
    const { a } = twoNodes((call) => {
      if (call.op === 'probe') return Promise.reject(new DomainError('InteractionAlreadyAcknowledged'));
      if (call.op === 'followUp') return Promise.reject(DomainError.fieldError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.'));
      return Promise.reject(new RateLimitedError('RateLimited', 1.5));
    });
    const acked = await a.forward('b', probe).catch((e: unknown) => e);
    expect(acked).toBeInstanceOf(DomainError);
    expect(acked).toMatchObject({ code: 40060, status: 400, message: 'Interaction has already been acknowledged.' });
    const form = await a.forward('b', { op: 'followUp', applicationId: '1', token: 't', body: {} }).catch((e: unknown) => e);
    expect(form).toMatchObject({ code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
    const limited = await a.forward('b', { op: 'getMessage', applicationId: '1', token: 't', messageId: '2' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterS).toBe(1.5);
  });

  it('answers a crash on the holder as a plain error (a 500), not as a rule the bot broke', async () => {
    const { a } = twoNodes(() => {
      throw new TypeError('boom');
    });
    const e = await a.forward('b', probe).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(DomainError);
    expect((e as Error).message).toBe('interaction holder failed: boom');
  });

  it('refuses at once for a holder that is not alive, after the timeout for a silent one, and at once when the holder goes down mid-call', async () => {
    const silent = twoNodes(() => new Promise(() => undefined), 200);
    await expect(silent.a.forward('zz', probe)).rejects.toBeInstanceOf(HolderUnavailableError);
    const start = performance.now();
    await expect(silent.a.forward('b', probe)).rejects.toThrow(/silent for 200 ms/);
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);

    const dying = twoNodes(() => new Promise(() => undefined), 10_000);
    const pending = dying.a.forward('b', probe);
    dying.nodesB.close(); // says bye: A drops B at once
    await expect(pending).rejects.toThrow(/went down/);
  });

  it('drops hostile bodies and counts them; serves only requests addressed to it from a live node; takes replies only from the holder asked', async () => {
    const { bus, a, b, served } = twoNodes(async () => 'served');
    for (const body of [null, 'x', { type: 'request' }, { type: 'request', id: 'r', to: 'b', call: { op: 'nope' } }, { type: 'reply', id: 'r', to: 'a', error: { kind: 'NoSuchError', message: 'm' } }]) {
      bus.publish({ kind: 'replica', origin: 'a', topic: 'interaction', body });
    }
    expect(b.dropped + a.dropped).toBe(2 * 5);
    bus.publish({ kind: 'replica', origin: 'a', topic: 'interaction', body: { type: 'request', id: 'r1', to: 'c', call: probe } });
    bus.publish({ kind: 'replica', origin: 'ghost', topic: 'interaction', body: { type: 'request', id: 'r2', to: 'b', call: probe } });
    await new Promise((r) => setTimeout(r, 10));
    expect(served).toEqual([]);

    // A forged reply from a node other than the holder (sent before B's) does not settle the call; B's real answer does.
    const off = bus.subscribe((m) => {
      if (m.kind !== 'replica' || m.topic !== 'interaction' || m.origin !== 'a') return;
      const request = m.body as { type: string; id: string };
      if (request.type === 'request') bus.publish({ kind: 'replica', origin: 'c', topic: 'interaction', body: { type: 'reply', id: request.id, to: 'a', result: 'forged' } });
    });
    const answer = a.forward('b', probe);
    off();
    await expect(answer).resolves.toBe('served');
    expect(served).toEqual([probe]);
  });

  it('asks every other live node at once (not itself, not a dead one); a per-call timeout replaces the default', async () => {
    const bus = new InProcessEventBus();
    const names = ['a', 'b', 'c'];
    const nodes = names.map((n) => new ClusterNodes(bus, n));
    const asked: string[] = [];
    const forwarders = names.map((n, i) => new InteractionForwarder(bus, nodes[i]!, async (call) => {
      asked.push(n);
      if (n === 'c') return new Promise(() => undefined);
      return { held: n === 'b', call: call.op };
    }, { timeoutMs: 5_000 }));
    opened.push(...nodes, ...forwarders);
    for (const n of nodes) n.start();
    const call: ForwardedCall = { op: 'holdsModal', userId: '1', applicationId: '2', channelId: '3', customId: 'form' };
    const answers = forwarders[0]!.ask(call);
    expect(answers.map((x) => x.node)).toEqual(['b', 'c']);
    expect(await answers[0]!.answer).toEqual({ held: true, call: 'holdsModal' });
    expect(asked.sort()).toEqual(['b', 'c']);
    const start = performance.now();
    await expect(forwarders[0]!.forward('c', call, 100)).rejects.toThrow(/silent for 100 ms/);
    expect(performance.now() - start).toBeLessThan(1_000);
    answers[1]!.answer.catch(() => undefined);
  });

  it('drops the user-side ops with hostile fields (a custom_id too long, a create without its actor)', async () => {
    const { bus, b, served } = twoNodes(async () => 'served');
    for (const call of [
      { op: 'holdsModal', userId: '1', applicationId: '2', channelId: '3', customId: 'x'.repeat(101) },
      { op: 'holdsMessage', userId: '1', channelId: '3' },
      { op: 'create', input: {} },
    ]) bus.publish({ kind: 'replica', origin: 'a', topic: 'interaction', body: { type: 'request', id: 'r', to: 'b', call } });
    await new Promise((r) => setTimeout(r, 10));
    expect(b.dropped).toBe(3);
    expect(served).toEqual([]);
  });
});
