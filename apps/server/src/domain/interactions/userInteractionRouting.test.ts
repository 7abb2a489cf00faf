// Where a user's POST /interactions runs, on two nodes over one in-process bus: held here or
// stored runs here; an ephemeral message or modal held by the other node is forwarded there and
// answered with its result; held nowhere (or the holder gone) is this node's own one-process answer.
import type { CreateInteractionInput, CreateInteractionResult } from '@concord/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterNodes } from '../../bus/ClusterNodes.ts';
import { InProcessEventBus } from '../../bus/InProcessEventBus.ts';
import { InteractionForwarder, type ForwardedCall } from '../../bus/InteractionForwarder.ts';
import type { UserRecord } from '../../store/records.ts';
import { DomainError } from '../DomainError.ts';
import { heldAnswer, MODAL_REPLACE_WAIT_MS, UserInteractionRouting, type LocalHoldings } from './userInteractionRouting.ts';

const opened: { close(): unknown }[] = [];
afterEach(() => {
  for (const o of opened.splice(0).reverse()) o.close();
});

const actor = { id: '10' } as UserRecord;
const click: CreateInteractionInput = { type: 3, application_id: '1', channel_id: '2', message_id: '3', data: { component_type: 2, custom_id: 'go' } };
const submit: CreateInteractionInput = { type: 5, application_id: '1', channel_id: '2', data: { custom_id: 'form', components: [{ type: 1, components: [{ type: 4, custom_id: 'name', value: 'x' }] }] } };
const nothing: LocalHoldings = { ephemeralExpiry: () => null, modalExpiry: () => null };

/** A routes; B holds what `bHolds` says and answers creates with `bCreate`. */
function twoNodes(bHolds: LocalHoldings, bCreate: (call: Extract<ForwardedCall, { op: 'create' }>) => Promise<unknown>, bReplaced: () => Promise<unknown> = async () => undefined, aTimeoutMs = 300) {
  const bus = new InProcessEventBus();
  const nodesA = new ClusterNodes(bus, 'a');
  const nodesB = new ClusterNodes(bus, 'b');
  const served: ForwardedCall[] = [];
  const fa = new InteractionForwarder(bus, nodesA, () => Promise.reject(new Error('A is asked nothing')), { timeoutMs: aTimeoutMs });
  const fb = new InteractionForwarder(bus, nodesB, async (call) => {
    served.push(call);
    if (call.op === 'holdsMessage') return heldAnswer(bHolds.ephemeralExpiry(call.messageId, call.userId, call.channelId));
    if (call.op === 'holdsModal') return heldAnswer(bHolds.modalExpiry(call.userId, call.applicationId, call.channelId, call.customId));
    if (call.op === 'create') return bCreate(call);
    if (call.op === 'modalReplaced') return bReplaced();
    throw new Error('unexpected');
  });
  opened.push(nodesA, nodesB, fa, fb);
  nodesA.start();
  nodesB.start();
  let malformed = 0;
  const routing = (local: LocalHoldings = nothing) => new UserInteractionRouting(fa, local, { createTimeoutMs: 500, onMalformed: () => malformed++ });
  return { routing, served, nodesB, malformed: () => malformed };
}

const fromB: CreateInteractionResult = { id: '99', nonce: null, response: { type: 9, data: { custom_id: 'm' } } };

describe('UserInteractionRouting', () => {
  it('forwards a click on an ephemeral message B holds, after A found nothing itself, and answers with B\'s result', async () => {
    const { routing, served } = twoNodes({ ...nothing, ephemeralExpiry: (id, user, ch) => (id === '3' && user === '10' && ch === '2' ? 1_000 : null) }, async () => fromB);
    let ranHere = 0;
    const result = await routing().create(actor, click, () => {
      ranHere++;
      return Promise.reject(new DomainError('UnknownMessage'));
    });
    expect(result).toEqual(fromB);
    expect(ranHere).toBe(1);
    expect(served).toEqual([{ op: 'holdsMessage', userId: '10', channelId: '2', messageId: '3' }, { op: 'create', actorId: '10', input: click }]);
  });

  it('runs here what runs here: a stored message, a modal held here, a command; asks no one', async () => {
    const { routing, served } = twoNodes({ ephemeralExpiry: () => 1, modalExpiry: () => 1 }, async () => fromB);
    const mine: CreateInteractionResult = { id: '1', nonce: 'n', response: null };
    expect(await routing().create(actor, click, async () => mine)).toBe(mine);
    expect(await routing({ ...nothing, modalExpiry: () => 5 }).create(actor, submit, async () => mine)).toBe(mine);
    // Other errors from here are the answer (a refused user asks nobody).
    await expect(routing().create(actor, click, () => Promise.reject(new DomainError('MissingAccess')))).rejects.toMatchObject({ code: 50001 });
    expect(served).toEqual([]);
  });

  it('forwards a modal submit to B, which holds it; held nowhere is answered here (50035), the holder going down meanwhile is 50035 too', async () => {
    const held = twoNodes({ ...nothing, modalExpiry: () => 2_000 }, async (call) => ({ ...fromB, nonce: (call.input as { nonce?: string }).nonce ?? null }));
    expect(await held.routing().create(actor, { ...submit, nonce: 'abc' }, () => Promise.reject(new Error('not here')))).toEqual({ ...fromB, nonce: 'abc' });

    const none = twoNodes(nothing, async () => fromB);
    await expect(none.routing().create(actor, submit, () => Promise.reject(new DomainError('UnknownMessage')))).rejects.toMatchObject({ code: 10008 });
    expect(none.served.map((c) => c.op)).toEqual(['holdsModal']);

    const dying = twoNodes({ ...nothing, modalExpiry: () => 2_000 }, () => new Promise(() => undefined));
    const pending = dying.routing().create(actor, submit, () => Promise.reject(new Error('not here')));
    await new Promise((r) => setTimeout(r, 20));
    dying.nodesB.close();
    await expect(pending).rejects.toMatchObject({ code: 50035, errors: { 'data.custom_id': { _errors: [{ code: 'MODAL_INVALID' }] } } });
  });

  it('answers a click held nowhere with this node\'s 10008, and refuses a malformed create result from the holder (counted)', async () => {
    const none = twoNodes(nothing, async () => fromB);
    const unknown = new DomainError('UnknownMessage');
    await expect(none.routing().create(actor, click, () => Promise.reject(unknown))).rejects.toBe(unknown);

    const bad = twoNodes({ ...nothing, ephemeralExpiry: () => 1 }, async () => ({ id: 'not a snowflake', nonce: null, response: null }));
    await expect(bad.routing().create(actor, click, () => Promise.reject(new DomainError('UnknownMessage')))).rejects.toThrow(/malformed create result/);
    expect(bad.malformed()).toBe(1);
  });

  it('tells the other nodes a modal was opened and waits for them (at most MODAL_REPLACE_WAIT_MS for a silent one)', async () => {
    const { routing, served } = twoNodes(nothing, async () => fromB);
    const start = performance.now();
    await routing().modalOpened('10', 'form', 12_345);
    expect(performance.now() - start).toBeLessThan(200);
    expect(served).toEqual([{ op: 'modalReplaced', userId: '10', customId: 'form', expiresAtMs: 12_345 }]);

    const silent = twoNodes(nothing, async () => fromB, () => new Promise(() => undefined), 5_000);
    const t0 = performance.now();
    await silent.routing().modalOpened('10', 'form', 1);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(MODAL_REPLACE_WAIT_MS - 20);
    expect(waited).toBeLessThan(MODAL_REPLACE_WAIT_MS + 300);
  });
});
