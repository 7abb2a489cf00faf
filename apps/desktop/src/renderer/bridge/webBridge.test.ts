// The browser's in-memory cache stays small however busy a channel is (the tab's heap must not
// grow with chat history) and still answers the newest messages in order.
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../testing/makeMessage.ts';
import { MemoryMessageCache } from './webBridge.ts';

describe('MemoryMessageCache', () => {
  it('keeps a bounded number of messages per channel, newest kept, oldest first in answers', () => {
    const cache = new MemoryMessageCache(500 * 1024 * 1024);
    const base = 1_300_000_000_000_000_000n;
    for (let i = 0; i < 2000; i++) cache.putMessages('c1', [makeMessage({ id: String(base + BigInt(i) * 4_194_304n), channel_id: 'c1', content: `m${i}` })]);
    const stats = cache.stats();
    expect(stats.messageCount).toBeLessThanOrEqual(250);
    expect(cache.getMessages('c1', 3).map((m) => m.content)).toEqual(['m1997', 'm1998', 'm1999']);
  });

  it('holds at most 16 MB whatever the disk-cache setting', () => {
    const cache = new MemoryMessageCache(500 * 1024 * 1024);
    const big = 'x'.repeat(50_000);
    for (let c = 0; c < 400; c++) cache.putMessages(`c${c}`, [makeMessage({ id: String(1_300_000_000_000_000_000n + BigInt(c)), channel_id: `c${c}`, content: big })]);
    expect(cache.stats().sizeBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});
