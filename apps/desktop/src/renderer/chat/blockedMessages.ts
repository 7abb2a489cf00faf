// Messages from users one has blocked are collapsed, as on Discord: each run of consecutive
// blocked messages becomes one "N blocked messages" row, with "Show" to expand it in place.
import type { Row } from './grouping.ts';

export type BlockedRow = { kind: 'blocked'; key: string; count: number; expanded: boolean };

/**
 * Replaces each run of message rows by blocked authors with a BlockedRow; when the run's key is in
 * `expanded`, the messages follow the row (the first starting a new group).
 */
export function collapseBlocked(rows: readonly Row[], isBlocked: (authorId: string) => boolean, expanded: ReadonlySet<string>): (Row | BlockedRow)[] {
  const out: (Row | BlockedRow)[] = [];
  let run: Extract<Row, { kind: 'message' }>[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const key = `blocked-${run[0]!.key}`;
    const open = expanded.has(key);
    out.push({ kind: 'blocked', key, count: run.length, expanded: open });
    if (open) run.forEach((r, i) => out.push(i === 0 ? { ...r, groupStart: true } : r));
    run = [];
  };
  for (const row of rows) {
    if (row.kind === 'message' && isBlocked(row.message.author.id)) {
      run.push(row);
      continue;
    }
    flush();
    out.push(row);
  }
  flush();
  return out;
}

export function blockedLabel(count: number): string {
  return count === 1 ? '1 blocked message' : `${count} blocked messages`;
}
