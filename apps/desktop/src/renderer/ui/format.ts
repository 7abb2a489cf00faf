// Time and size formatting as Discord shows them ("Today at 14:05", "Yesterday at ...", dates).

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit' });
const longDateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function formatTimestamp(iso: string, nowMs = Date.now()): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const day = startOfDay(ms);
  const today = startOfDay(nowMs);
  if (day === today) return `Today at ${timeFmt.format(ms)}`;
  if (today - day <= 86_400_000 + 3_600_000 && today > day) return `Yesterday at ${timeFmt.format(ms)}`;
  return `${dateFmt.format(ms)} ${timeFmt.format(ms)}`;
}

export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : timeFmt.format(ms);
}

export function formatFull(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : fullFmt.format(ms);
}

export function formatDay(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : longDateFmt.format(ms);
}

export function isSameDay(a: string, b: string): boolean {
  return startOfDay(Date.parse(a)) === startOfDay(Date.parse(b));
}

export function formatBytes(sizeBytes: number): string {
  if (sizeBytes < 1024) return `${sizeBytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = sizeBytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
