import { afterEach, describe, expect, it } from 'vitest';
import { ClusterNodes } from '../bus/ClusterNodes.ts';
import { InProcessEventBus } from '../bus/InProcessEventBus.ts';
import { CallCluster, type CallClusterHost } from './callCluster.ts';
import type { Call } from './callState.ts';
import type { DomainContext } from './DomainContext.ts';

const grant = { token: 't', serverId: 'dm', channelId: 'dm', userId: 'p', sessionId: 's', mute: false, deaf: false, selfMute: false, selfDeaf: false, canSpeak: true, useVad: true, prioritySpeaker: false, canStream: true };
const wireCall = (ringing: string[]) => ({ channelId: 'dm', messageId: 'm1', ringing, participants: ['p'], states: [{ userId: 'p', sessionId: 's', selfMute: false, selfDeaf: false, selfVideo: false, selfStream: false, grant, nodeId: 'v', home: 'b' }] });

describe('CallCluster', () => {
  const timers: ReturnType<typeof setTimeout>[] = [];
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const t of timers.splice(0)) clearTimeout(t);
    for (const c of closers.splice(0)) c();
  });

  function setup() {
    const bus = new InProcessEventBus();
    const cluster = new ClusterNodes(bus, 'a', { heartbeatMs: 60_000 });
    const calls = new Map<string, Call>();
    const userCall = new Map<string, string>();
    const host: CallClusterHost = {
      calls,
      userCall,
      dropState: () => {},
      ringBackstop: () => {
        const t = setTimeout(() => {}, 60_000);
        timers.push(t);
        return t;
      },
    };
    // CallCluster reads only the bus from the context.
    const replica = new CallCluster({ bus } as unknown as DomainContext, cluster, host);
    closers.push(() => replica.close(), () => cluster.close());
    bus.publish({ kind: 'replica', origin: 'b', topic: 'node', body: { event: 'hello', at: Date.now() } });
    return { bus, replica, calls, userCall };
  }

  it('takes a live process\'s call with a backstop per ring, follows its updates and its end', () => {
    const { bus, calls, userCall } = setup();
    bus.publish({ kind: 'replica', origin: 'b', topic: 'call', body: { type: 'call', call: wireCall(['q']) } });
    expect([...calls.get('dm')!.ringing.keys()]).toEqual(['q']);
    expect(userCall.get('p')).toBe('dm');
    bus.publish({ kind: 'replica', origin: 'b', topic: 'call', body: { type: 'call', call: wireCall([]) } });
    expect(calls.get('dm')!.ringing.size).toBe(0);
    bus.publish({ kind: 'replica', origin: 'b', topic: 'call', body: { type: 'end', channelId: 'dm' } });
    expect(calls.has('dm')).toBe(false);
    expect(userCall.has('p')).toBe(false);
  });

  it('drops malformed bodies (counted) and calls from a process it does not know alive', () => {
    const { bus, replica, calls } = setup();
    bus.publish({ kind: 'replica', origin: 'b', topic: 'call', body: { type: 'call', call: { ...wireCall([]), states: 'x' } } });
    bus.publish({ kind: 'replica', origin: 'b', topic: 'call', body: null });
    bus.publish({ kind: 'replica', origin: 'ghost', topic: 'call', body: { type: 'call', call: wireCall([]) } });
    expect(replica.malformed).toBe(2);
    expect(calls.size).toBe(0);
  });
});
