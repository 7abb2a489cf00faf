// Snowflake IDs: 42 bits of milliseconds since the Discord epoch, 5 bits worker, 5 bits process,
// 12 bits increment. IDs cross the wire as decimal strings, exactly as Discord sends them.

export const DISCORD_EPOCH_MS = 1_420_070_400_000; // 2015-01-01T00:00:00Z

const MAX_INCREMENT = 0xfff;

export type Snowflake = string;

/**
 * Generates strictly increasing snowflakes for one (worker, process). When the wall clock goes
 * backwards (NTP step, VM migration) it keeps using the last timestamp it issued, and when the
 * 4096 increments of one millisecond run out it borrows the next millisecond, so IDs never
 * repeat or go backwards.
 */
export class SnowflakeGenerator {
  private lastTimestampMs = 0;
  private increment = 0;
  private readonly workerId: bigint;
  private readonly processId: bigint;

  constructor(workerId = 0, processId = 0, private readonly nowMs: () => number = Date.now) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > 31) throw new RangeError('workerId must be 0..31');
    if (!Number.isInteger(processId) || processId < 0 || processId > 31) throw new RangeError('processId must be 0..31');
    this.workerId = BigInt(workerId);
    this.processId = BigInt(processId);
  }

  next(): Snowflake {
    let timestampMs = this.nowMs() - DISCORD_EPOCH_MS;
    if (timestampMs <= this.lastTimestampMs) {
      timestampMs = this.lastTimestampMs;
      this.increment++;
      if (this.increment > MAX_INCREMENT) {
        timestampMs = ++this.lastTimestampMs;
        this.increment = 0;
      }
    } else {
      this.increment = 0;
    }
    this.lastTimestampMs = timestampMs;
    return (
      (BigInt(timestampMs) << 22n) |
      (this.workerId << 17n) |
      (this.processId << 12n) |
      BigInt(this.increment)
    ).toString();
  }
}

/** Milliseconds since the Unix epoch at which the snowflake was made. */
export function snowflakeTimestampMs(id: Snowflake): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;
}

/** The smallest snowflake at a given time: what `before`/`after` paging by date compares with. */
export function snowflakeFromTimestampMs(timestampMs: number): Snowflake {
  return (BigInt(Math.max(0, timestampMs - DISCORD_EPOCH_MS)) << 22n).toString();
}

export function isSnowflake(value: unknown): value is Snowflake {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) < 1n << 64n;
}

/** Orders two snowflakes numerically (string comparison is wrong for different lengths). */
export function compareSnowflakes(a: Snowflake, b: Snowflake): number {
  // isSnowflake accepts leading zeros ("0042"), which would make the length test below wrong.
  if (a.length > 1 && a.charCodeAt(0) === 48) a = a.replace(/^0+(?=\d)/, '');
  if (b.length > 1 && b.charCodeAt(0) === 48) b = b.replace(/^0+(?=\d)/, '');
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
