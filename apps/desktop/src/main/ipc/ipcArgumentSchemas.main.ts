// Schemas for what the renderer may send. Everything from the renderer is hostile until parsed:
// structured clone lets it send cyclic graphs, objects with an own `__proto__` key, megabyte
// strings and Maps, so before a value reaches zod's object parsing (which silently drops
// `__proto__`) it is walked once and refused unless it is plain, bounded JSON.
import { z } from 'zod';

/** A snowflake the cache can store: canonical decimal (no leading zeros), fits signed 64-bit. */
const SNOWFLAKE_PATTERN = /^[1-9]\d{0,18}$/;
export const snowflakeArgSchema = z
  .string()
  .max(19)
  .regex(SNOWFLAKE_PATTERN, 'must be a snowflake (decimal digits, no leading zeros)')
  // zod runs refinements even after the regex failed, so only convert what the regex let through.
  .refine((value) => !SNOWFLAKE_PATTERN.test(value) || BigInt(value) <= (1n << 63n) - 1n, 'must fit a signed 64-bit integer');

export interface PlainJsonLimits {
  maxDepth: number;
  /** An estimate of the JSON size: string lengths, keys and 8 bytes per other value. */
  maxBytes: number;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns why `value` is not plain, bounded JSON, or null when it is. Iterative: no stack overflow. */
export function findUnsafeJson(value: unknown, limits: PlainJsonLimits): string | null {
  const pending: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  let bytes = 0;
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === undefined) break;
    const current = item.value;
    if (item.depth > limits.maxDepth) return `${item.path || 'value'} is nested deeper than ${limits.maxDepth} levels`;
    if (typeof current === 'string') {
      bytes += current.length + 2;
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return `${item.path || 'value'} is not a finite number`;
      bytes += 8;
    } else if (typeof current === 'boolean' || current === null) {
      bytes += 5;
    } else if (Array.isArray(current)) {
      bytes += 2;
      for (let i = 0; i < current.length; i++) pending.push({ value: current[i], depth: item.depth + 1, path: `${item.path}[${i}]` });
    } else if (typeof current === 'object') {
      const prototype: unknown = Object.getPrototypeOf(current);
      if (prototype !== Object.prototype && prototype !== null) return `${item.path || 'value'} is not a plain object`;
      bytes += 2;
      for (const key of Object.keys(current)) {
        if (FORBIDDEN_KEYS.has(key)) return `${item.path || 'value'} has a forbidden key "${key}"`;
        bytes += key.length + 4;
        pending.push({ value: Reflect.get(current, key), depth: item.depth + 1, path: item.path ? `${item.path}.${key}` : key });
      }
    } else {
      return `${item.path || 'value'} is a ${typeof current}, not JSON`;
    }
    if (bytes > limits.maxBytes) return `value is larger than ${limits.maxBytes} bytes`;
  }
  return null;
}

/** Wraps a schema so its input must first pass findUnsafeJson (before zod copies any keys). */
export function plainJson<T extends z.ZodTypeAny>(schema: T, limits: PlainJsonLimits) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const problem = findUnsafeJson(value, limits);
      if (problem !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, fatal: true });
    })
    .pipe(schema);
}

export const MESSAGE_BATCH_MAX_COUNT = 1000;
export const MESSAGE_BATCH_LIMITS: PlainJsonLimits = { maxDepth: 32, maxBytes: 16 * 1024 * 1024 };
export const GET_MESSAGES_MAX_LIMIT = 5000;

/** A message as the cache needs it: two snowflakes; the rest is kept as the renderer sent it. */
export const cacheableMessageSchema = z.object({ id: snowflakeArgSchema, channel_id: snowflakeArgSchema }).passthrough();
