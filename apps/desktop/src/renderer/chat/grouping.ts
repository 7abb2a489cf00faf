// Turns a channel's messages into list rows: day dividers, the "new messages" divider and
// messages, where a message starts a new group unless the same author posted within 7 minutes
// (and neither is a reply or a system message), as Discord groups them.
import type { APIMessage } from '@concord/protocol';
import { compareSnowflakes } from '@concord/protocol';
import { isSameDay } from '../ui/format.ts';

export const GROUP_WINDOW_MS = 7 * 60_000;

export type Row =
  | { kind: 'message'; key: string; message: APIMessage; groupStart: boolean }
  | { kind: 'day'; key: string; label: string; iso: string }
  | { kind: 'unread'; key: string };

export function startsGroup(prev: APIMessage | undefined, m: APIMessage): boolean {
  if (!prev) return true;
  if (prev.author.id !== m.author.id) return true;
  if (m.message_reference?.message_id || m.referenced_message) return true;
  if ((m.type !== 0 && m.type !== 19) || (prev.type !== 0 && prev.type !== 19)) return true;
  const gap = Date.parse(m.timestamp) - Date.parse(prev.timestamp);
  if (!(gap >= 0 && gap <= GROUP_WINDOW_MS)) return true;
  return !isSameDay(prev.timestamp, m.timestamp);
}

export function buildRows(messages: readonly APIMessage[], unreadAfterId: string | null, formatDay: (iso: string) => string): Row[] {
  const rows: Row[] = [];
  let prev: APIMessage | undefined;
  let unreadPlaced = unreadAfterId === null;
  for (const m of messages) {
    let forceStart = false;
    if (!prev || !isSameDay(prev.timestamp, m.timestamp)) {
      rows.push({ kind: 'day', key: `day-${m.id}`, label: formatDay(m.timestamp), iso: m.timestamp });
      forceStart = true;
    }
    if (!unreadPlaced && prev && compareSnowflakes(m.id, unreadAfterId!) > 0) {
      // Only place the divider when the message before it was read (it lies inside the window).
      rows.push({ kind: 'unread', key: `unread-${m.id}` });
      unreadPlaced = true;
      forceStart = true;
    } else if (!unreadPlaced && compareSnowflakes(m.id, unreadAfterId!) > 0) {
      unreadPlaced = true;
    }
    rows.push({ kind: 'message', key: m.id, message: m, groupStart: forceStart || startsGroup(prev, m) });
    prev = m;
  }
  return rows;
}
