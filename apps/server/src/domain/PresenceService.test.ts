import type { APIActivity, APIPresence } from '@concord/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterNodes } from '../bus/ClusterNodes.ts';
import type { BusMessage } from '../bus/EventBus.ts';
import { InProcessEventBus } from '../bus/InProcessEventBus.ts';
import { QueuedBus } from '../bus/QueuedBus.ts';
import { DomainState } from './DomainState.ts';
import { mergeActivities, PresenceService } from './PresenceService.ts';

const game = (name: string, extra: Partial<APIActivity> = {}): APIActivity => ({ name, type: 0, ...extra });

function setup() {
  const state = new DomainState();
  state.userGuilds.set('10', new Set(['100']));
  const bus = new InProcessEventBus();
  const sent: APIPresence[] = [];
  bus.subscribe((m: BusMessage) => {
    if (m.kind === 'dispatch' && m.t === 'PRESENCE_UPDATE') sent.push(m.d);
  });
  return { presence: new PresenceService(state, bus), sent };
}

describe('PresenceService', () => {
  it("merges two sessions' activities with the most present session's first and a status per platform", () => {
    const { presence } = setup();
    presence.setSession('10', 'phone', { status: 'idle', activities: [{ name: 'Custom Status', type: 4, state: 'afk' }], client: 'mobile' });
    presence.setSession('10', 'pc', { status: 'online', activities: [game('Elden Ring', { application_id: '5' })], client: 'desktop' });
    expect(presence.get('10')).toEqual({
      user: { id: '10' },
      status: 'online',
      activities: [game('Elden Ring', { application_id: '5' }), { name: 'Custom Status', type: 4, state: 'afk' }],
      client_status: { desktop: 'online', mobile: 'idle' },
    });
  });

  it('keeps one activity per application, name and type, and one custom status', () => {
    expect(
      mergeActivities([
        [game('Elden Ring', { application_id: '5', details: 'first' }), { name: 'Custom Status', type: 4, state: 'a' }],
        [game('Elden Ring', { application_id: '5', details: 'second' }), game('Elden Ring', { type: 2 }), { name: 'Custom Status', type: 4, state: 'b' }],
      ]),
    ).toEqual([game('Elden Ring', { application_id: '5', details: 'first' }), { name: 'Custom Status', type: 4, state: 'a' }, game('Elden Ring', { type: 2 })]);
  });

  it('leaves out the activities of an invisible session and orders equals by the last update', () => {
    const { presence } = setup();
    presence.setSession('10', 'a', { status: 'online', activities: [game('A')], client: 'web' });
    presence.setSession('10', 'hidden', { status: 'invisible', activities: [game('Secret')], client: 'desktop' });
    presence.setSession('10', 'b', { status: 'online', activities: [game('B')], client: 'desktop' });
    expect(presence.get('10')?.activities.map((a) => a.name)).toEqual(['B', 'A']);
    expect(presence.get('10')?.client_status).toEqual({ desktop: 'online', web: 'online' });
  });

  it('dispatches once per change and drops the activities of a session that ends', () => {
    const { presence, sent } = setup();
    presence.setSession('10', 'a', { status: 'online', activities: [], client: 'web' });
    presence.setSession('10', 'b', { status: 'online', activities: [game('Game')], client: 'desktop' });
    presence.setSession('10', 'b', { status: 'online', activities: [game('Game')], client: 'desktop' });
    presence.removeSession('10', 'b');
    expect(sent.map((p) => [p.activities.map((a) => a.name), p.client_status])).toEqual([
      [[], { web: 'online' }],
      [['Game'], { desktop: 'online', web: 'online' }],
      [[], { web: 'online' }],
    ]);
    presence.removeSession('10', 'a');
    expect(sent.at(-1)).toMatchObject({ status: 'offline', activities: [], client_status: {} });
    expect(presence.get('10')).toBeNull();
  });
});

describe('PresenceService on a cluster bus', () => {
  let clock = 1_000_000;
  const now = () => clock;
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  /** Nodes named in order on one bus, each with its own state, ClusterNodes and PresenceService; PRESENCE_UPDATEs recorded with who published them. */
  function cluster(...names: string[]) {
    const bus = new QueuedBus();
    const dispatched: { p: APIPresence; via: number }[] = [];
    let publishing: number = -1;
    bus.subscribe((m: BusMessage) => {
      if (m.kind === 'dispatch' && m.t === 'PRESENCE_UPDATE') dispatched.push({ p: m.d, via: publishing });
    });
    const add = (name: string) => {
      const state = new DomainState();
      state.userGuilds.set('10', new Set(['100']));
      state.userGuilds.set('20', new Set(['100']));
      const nodes = new ClusterNodes(bus, name, { heartbeatMs: 60_000, deadAfterMs: 15_000, now });
      const presence = new PresenceService(state, bus, nodes);
      closers.push(() => presence.close(), () => nodes.close());
      nodes.start();
      return { nodes, presence, name };
    };
    const made = names.map(add);
    /** Runs `f` with the dispatches it causes marked as published by node `i`. */
    const on = <T>(i: number, f: () => T): T => {
      publishing = i;
      try {
        return f();
      } finally {
        publishing = -1;
      }
    };
    return { bus, nodes: made, add, dispatched, on };
  }

  it('shows every node the presence of a session on another node, with one PRESENCE_UPDATE per change', () => {
    const { nodes, dispatched } = cluster('a', 'b');
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    a.presence.setSession('10', 's1', { status: 'online', activities: [game('Elden Ring')], client: 'desktop' });
    expect(b.presence.get('10')).toEqual(a.presence.get('10'));
    expect(b.presence.get('10')?.activities).toEqual([game('Elden Ring')]);
    a.presence.setSession('10', 's1', { status: 'dnd', activities: [game('Elden Ring')], client: 'desktop' });
    expect(b.presence.get('10')?.status).toBe('dnd');
    expect(dispatched.map((d) => d.p.status)).toEqual(['online', 'dnd']);
    a.presence.removeSession('10', 's1');
    expect(b.presence.get('10')).toBeNull();
    expect(dispatched.map((d) => d.p.status)).toEqual(['online', 'dnd', 'offline']);
  });

  it('merges sessions held by different nodes the same way on every node', () => {
    const { nodes } = cluster('a', 'b', 'c');
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    a.presence.setSession('10', 'pc', { status: 'online', activities: [game('A')], client: 'desktop' });
    clock += 1;
    b.presence.setSession('10', 'web', { status: 'online', activities: [game('B')], client: 'web' });
    clock += 1;
    c.presence.setSession('10', 'phone', { status: 'idle', activities: [{ name: 'Custom Status', type: 4, state: 'brb' }], client: 'mobile' });
    const expected = { user: { id: '10' }, status: 'online', activities: [game('B'), game('A'), { name: 'Custom Status', type: 4, state: 'brb' }], client_status: { desktop: 'online', mobile: 'idle', web: 'online' } };
    for (const n of nodes) expect(n.presence.get('10')).toEqual(expected);
  });

  it('teaches a node that joins later every session the others hold', () => {
    const { nodes, add, dispatched } = cluster('a', 'b');
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    a.presence.setSession('10', 's1', { status: 'online', activities: [game('A')], client: 'desktop' });
    b.presence.setSession('20', 's2', { status: 'idle', activities: [], client: 'web' });
    const before = dispatched.length;
    const c = add('c');
    expect(c.presence.get('10')).toEqual(a.presence.get('10'));
    expect(c.presence.get('20')?.status).toBe('idle');
    expect(c.presence.onlineCount()).toBe(2);
    // Nothing changed for anyone: the newcomer learns, nobody is told again.
    expect(dispatched.length).toBe(before);
  });

  it('drops a dead node\'s sessions everywhere and only the leader dispatches the offline', () => {
    const { bus, nodes, dispatched, on } = cluster('a', 'b', 'c');
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    a.presence.setSession('10', 's1', { status: 'online', activities: [game('A')], client: 'desktop' });
    b.presence.setSession('20', 's2', { status: 'online', activities: [], client: 'web' });
    // a stops beating (SIGKILL); b and c go on, and notice at their own sweeps. b, the smallest live name, speaks for a.
    clock += 10_000;
    for (const n of ['b', 'c']) bus.publish({ kind: 'replica', origin: n, topic: 'node', body: { event: 'beat', at: clock } });
    clock += 6_000;
    on(2, () => c.nodes.sweep());
    expect(c.presence.get('10')).toBeNull();
    expect(b.presence.get('10')).not.toBeNull();
    on(1, () => b.nodes.sweep());
    const offline = dispatched.filter((d) => d.p.user.id === '10' && d.p.status === 'offline');
    expect(offline.map((d) => d.via)).toEqual([1]);
    expect(b.presence.get('10')).toBeNull();
    // b's own session is untouched.
    expect(c.presence.get('20')?.status).toBe('online');
  });

  it('keeps one presence for a session that resumes on another node, and the old node cannot remove it', () => {
    const { bus, nodes, dispatched } = cluster('a', 'b', 'c');
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    a.presence.setSession('10', 's1', { status: 'dnd', activities: [game('A')], client: 'desktop' });
    const before = dispatched.length;
    c.presence.resumeSession('10', 's1', 'desktop');
    // The old node lets the session go late (it had not noticed the socket drop): not its presence any more.
    a.presence.removeSession('10', 's1');
    // A change the old node made before the move, read after it, is older than the move: ignored.
    bus.publish({ kind: 'replica', origin: 'a', topic: 'presence', body: { op: 'set', sessions: [{ userId: '10', sessionId: 's1', status: 'idle', activities: [], client: 'desktop', at: clock }] } });
    for (const n of nodes) expect(n.presence.get('10')).toMatchObject({ status: 'dnd', activities: [game('A')] });
    expect(dispatched.length).toBe(before);
    // a dies later: the session lives on c.
    clock += 10_000;
    for (const n of ['b', 'c']) bus.publish({ kind: 'replica', origin: n, topic: 'node', body: { event: 'beat', at: clock } });
    clock += 6_000;
    b.nodes.sweep();
    c.nodes.sweep();
    expect(b.presence.get('10')?.status).toBe('dnd');
    expect(dispatched.length).toBe(before);
  });

  it('says a session is back when it resumes on a node that had not yet dropped the dead node the leader already announced', () => {
    const { bus, nodes, dispatched, on } = cluster('a', 'b', 'c');
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    a.presence.setSession('10', 's1', { status: 'online', activities: [game('A')], client: 'desktop' });
    clock += 10_000;
    for (const n of ['b', 'c']) bus.publish({ kind: 'replica', origin: n, topic: 'node', body: { event: 'beat', at: clock } });
    clock += 6_000;
    // b leads and drops a first: the guilds hear '10' went offline.
    on(1, () => b.nodes.sweep());
    expect(dispatched.filter((d) => d.p.user.id === '10').map((d) => d.p.status)).toEqual(['online', 'offline']);
    // The client resumes on c, which still holds the session from a (no change there, nothing to say).
    // The leader hears of the move through the log and says it once (c saw no change).
    c.presence.resumeSession('10', 's1', 'desktop');
    c.nodes.sweep();
    expect(dispatched.filter((d) => d.p.user.id === '10').map((d) => d.p.status)).toEqual(['online', 'offline', 'online']);
    for (const n of [b, c]) expect(n.presence.get('10')).toMatchObject({ status: 'online', activities: [game('A')] });
  });

  it('drops hostile bodies whole and ignores nodes that are not alive', () => {
    const { bus, nodes } = cluster('a', 'b');
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const set = (over: Record<string, unknown>) => ({ op: 'set', sessions: [{ userId: '10', sessionId: 'x', status: 'online', activities: [], client: 'web', at: clock, ...over }] });
    const hostile: unknown[] = [
      null,
      'set',
      { op: 'set', sessions: [] },
      { op: 'wipe', sessions: [{ userId: '10', sessionId: 'x' }] },
      set({ userId: '../10' }),
      set({ status: 'streaming' }),
      set({ client: 'fridge' }),
      set({ at: -1 }),
      set({ at: 'now' }),
      set({ activities: [{ name: 'x', type: 0, secrets: { join: 'hunter2' } }] }),
      set({ activities: [{ name: '', type: 0 }] }),
      set({ activities: Array.from({ length: 6 }, (_, i) => game(`g${i}`)) }),
      set({ extra: true }),
      { op: 'remove', sessions: [{ userId: '10' }] },
    ];
    for (const body of hostile) bus.publish({ kind: 'replica', origin: 'a', topic: 'presence', body });
    expect(b.presence.get('10')).toBeNull();
    expect(b.presence.replicaStats).toEqual({ applied: 0, malformed: hostile.length, fromDeadNode: 0 });
    // A well-formed body from a node nobody heard from (or one replayed from before it died) changes nothing.
    bus.publish({ kind: 'replica', origin: 'ghost', topic: 'presence', body: set({}) });
    expect(b.presence.get('10')).toBeNull();
    expect(b.presence.replicaStats.fromDeadNode).toBe(1);
    // A remove from a live node for a session another node holds changes nothing either.
    a.presence.setSession('10', 'mine', { status: 'online', activities: [], client: 'web' });
    bus.publish({ kind: 'replica', origin: 'b', topic: 'presence', body: { op: 'remove', sessions: [{ userId: '10', sessionId: 'mine' }] } });
    expect(a.presence.get('10')?.status).toBe('online');
    // The same body from a live node is taken.
    bus.publish({ kind: 'replica', origin: 'a', topic: 'presence', body: set({ userId: '20', activities: [{ name: 'Game', type: 0, buttons: ['Join'], metadata: { button_urls: ['https://example.com'] } }] }) });
    expect(b.presence.get('20')?.activities).toEqual([{ name: 'Game', type: 0, buttons: ['Join'], metadata: { button_urls: ['https://example.com'] } }]);
  });
});
