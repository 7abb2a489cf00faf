import { beforeEach, describe, expect, it } from 'vitest';
import type { APIMessage } from '@concord/protocol';
import { useMessageStore } from './messageStore.ts';
import { makeMessage } from '../testing/makeMessage.ts';

const msg = (n: number, channel = '9'): APIMessage =>
  makeMessage({ id: String(1_000_000_000_000_000n + BigInt(n)), channel_id: channel, content: `m${n}`, timestamp: new Date(1_700_000_000_000 + n * 1000).toISOString() });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => msg(from + i));
const contents = () => useMessageStore.getState().byChannel['9']!.messages.map((m) => m.content);

describe('message windows', () => {
  beforeEach(() => {
    useMessageStore.getState().reset();
    useMessageStore.setState({ maxMessagesPerChannel: 10 });
  });

  it('keeps cached messages until the server page arrives, then merges without duplicates', () => {
    const s = useMessageStore.getState();
    s.beginLoad('9');
    s.setCached('9', range(0, 3));
    expect(useMessageStore.getState().byChannel['9']!.phase).toBe('cached');
    s.mergeLatest('9', range(2, 5), { replace: false, hasMoreBefore: true });
    expect(contents()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(useMessageStore.getState().byChannel['9']!.phase).toBe('loaded');
    s.setCached('9', [msg(99)]);
    expect(contents()).not.toContain('m99');
  });

  it('trims the oldest messages when live messages overflow the window', () => {
    const s = useMessageStore.getState();
    s.mergeLatest('9', range(0, 10), { replace: true, hasMoreBefore: false });
    for (const m of range(10, 13)) expect(s.addLive(m)).toBe(true);
    expect(contents()).toEqual(range(3, 13).map((m) => m.content));
    expect(useMessageStore.getState().byChannel['9']!.hasMoreBefore).toBe(true);
  });

  it('detaches from the present when older pages push the newest out, and then ignores live messages', () => {
    const s = useMessageStore.getState();
    s.mergeLatest('9', range(20, 30), { replace: true, hasMoreBefore: true });
    s.prependOlder('9', range(15, 20), true);
    expect(contents()).toEqual(range(15, 25).map((m) => m.content));
    expect(useMessageStore.getState().byChannel['9']!.hasMoreAfter).toBe(true);
    expect(s.addLive(msg(31))).toBe(false);
  });

  it('applies updates and deletes to the window and the pins', () => {
    const s = useMessageStore.getState();
    s.mergeLatest('9', range(0, 3), { replace: true, hasMoreBefore: false });
    s.setPins('9', [msg(1)]);
    s.updateMessage('9', msg(1).id, (m) => ({ ...m, content: 'edited' }));
    expect(contents()[1]).toBe('edited');
    expect(useMessageStore.getState().pins['9']![0]!.content).toBe('edited');
    s.deleteMessages('9', [msg(1).id]);
    expect(contents()).toEqual(['m0', 'm2']);
    expect(useMessageStore.getState().pins['9']).toEqual([]);
  });
});
