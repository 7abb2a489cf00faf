// Field schemas shared by every request schema (REST bodies, gateway payloads, embeds, components,
// activities). A leaf module: the schema files import it and it imports none of them, so that
// schemas.ts, embeds.ts, components.ts and bots.ts never form an import cycle.
import { z } from 'zod';

export const snowflakeSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .refine((v) => /^\d{1,20}$/.test(v) && BigInt(v) < 1n << 64n, { message: 'Value "%s" is not snowflake.', params: { code: 'NUMBER_TYPE_COERCE' } });

export const colorSchema = z.number().int().min(0).max(0xffffff);

/**
 * A URL clients may open or load: http(s) only (an embed's image may also be `attachment://name`).
 * `javascript:` and `data:` never reach another member's client.
 */
export const webUrlSchema = (maxLength: number, schemes: readonly string[] = ['http', 'https']) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .refine((v) => schemes.some((s) => v.toLowerCase().startsWith(`${s}://`)), { message: `Scheme must be one of ${schemes.join(', ')}.`, params: { code: 'URL_TYPE_INVALID_SCHEME' } });

/** Adds a 50035 field error with Discord's code at `path` (relative to the refined value). */
export function addFieldIssue(ctx: z.RefinementCtx, path: (string | number)[], code: string, message: string): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message, params: { code } });
}
