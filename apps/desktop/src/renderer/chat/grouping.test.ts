import { describe, expect, it } from 'vitest';
import type { APIMessage } from '@concord/protocol';
import { buildRows } from './grouping.ts';
import { makeMessage } from '../testing/makeMessage.ts';

const msg = (id: string, author: string, iso: string, extra: Partial<APIMessage> = {}): APIMessage =>
  makeMessage({ id, author: { id: author, username: author, discriminator: '0', global_name: null, avatar: null }, timestamp: iso, ...extra });

describe('message grouping', () => {
  it('groups one author within 7 minutes and splits after', () => {
    const rows = buildRows(
      [msg('10', 'a', '2025-01-01T10:00:00Z'), msg('11', 'a', '2025-01-01T10:06:59Z'), msg('12', 'a', '2025-01-01T10:14:00Z'), msg('13', 'b', '2025-01-01T10:14:10Z')],
      null,
      () => 'day',
    );
    expect(rows.filter((r) => r.kind === 'message').map((r) => r.groupStart)).toEqual([true, false, true, true]);
  });

  it('starts a new group for replies', () => {
    const rows = buildRows([msg('10', 'a', '2025-01-01T10:00:00Z'), msg('11', 'a', '2025-01-01T10:01:00Z', { type: 19, message_reference: { message_id: '10' } })], null, () => 'd');
    expect(rows.filter((r) => r.kind === 'message').map((r) => r.groupStart)).toEqual([true, true]);
  });

  it('puts the new-messages divider after the last read message', () => {
    const rows = buildRows([msg('10', 'a', '2025-01-01T10:00:00Z'), msg('11', 'a', '2025-01-01T10:01:00Z'), msg('12', 'a', '2025-01-01T10:02:00Z')], '11', () => 'd');
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'message', 'unread', 'message']);
  });
});
