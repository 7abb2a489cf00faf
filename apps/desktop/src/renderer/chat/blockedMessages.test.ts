import { describe, expect, it } from 'vitest';
import type { APIMessage } from '@concord/protocol';
import { makeMessage } from '../testing/makeMessage.ts';
import { blockedLabel, collapseBlocked } from './blockedMessages.ts';
import { buildRows } from './grouping.ts';

const at = (n: number, authorId: string): APIMessage =>
  makeMessage({ id: String(1_000_000_000_000_000n + BigInt(n)), author: { id: authorId, username: `u${authorId}`, discriminator: '0', global_name: null, avatar: null }, content: `m${n}`, timestamp: new Date(Date.UTC(2025, 0, 1, 12, 0, n)).toISOString() });
const rowsOf = (messages: APIMessage[]) => buildRows(messages, null, () => 'day');
const shape = (rows: ReturnType<typeof collapseBlocked>) => rows.map((r) => (r.kind === 'message' ? r.message.content : r.kind === 'blocked' ? `[${r.count} blocked${r.expanded ? ', shown' : ''}]` : r.kind));
const blocked = (id: string) => id === 'b';

describe('blocked messages', () => {
  it('collapses each run of a blocked user\'s messages into one row, keeping everyone else\'s', () => {
    const rows = rowsOf([at(1, 'a'), at(2, 'b'), at(3, 'b'), at(4, 'a'), at(5, 'b')]);
    expect(shape(collapseBlocked(rows, blocked, new Set()))).toEqual(['day', 'm1', '[2 blocked]', 'm4', '[1 blocked]']);
  });

  it('shows a run in place after "Show messages", its first message starting a group', () => {
    const rows = rowsOf([at(1, 'a'), at(2, 'b'), at(3, 'b'), at(4, 'a')]);
    const collapsed = collapseBlocked(rows, blocked, new Set());
    const key = collapsed.find((r) => r.kind === 'blocked')!.key;
    const shown = collapseBlocked(rows, blocked, new Set([key]));
    expect(shape(shown)).toEqual(['day', 'm1', '[2 blocked, shown]', 'm2', 'm3', 'm4']);
    const first = shown.find((r) => r.kind === 'message' && r.message.content === 'm2');
    expect(first).toMatchObject({ groupStart: true });
  });

  it('leaves a channel without blocked authors unchanged', () => {
    const rows = rowsOf([at(1, 'a'), at(2, 'c')]);
    expect(collapseBlocked(rows, blocked, new Set())).toEqual(rows);
  });

  it('labels runs as Discord does', () => {
    expect(blockedLabel(1)).toBe('1 blocked message');
    expect(blockedLabel(3)).toBe('3 blocked messages');
  });
});
