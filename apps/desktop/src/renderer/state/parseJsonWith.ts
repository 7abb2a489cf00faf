// Reads JSON the page did not just build itself (sessionStorage, localStorage, a drop from another
// window) through a schema: malformed text or a value the schema refuses reads as null.
import type { z } from 'zod';

export function parseJsonWith<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, raw: string | null, maxLength = 64 * 1024): T | null {
  if (raw === null || raw.length === 0 || raw.length > maxLength) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : null;
}
