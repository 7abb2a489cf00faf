// Rich embeds as senders (bots, webhooks, interaction responses, users) give them. Every field is
// bounded and unknown keys are stripped, so what is stored and fanned out is exactly this shape.
// Limits are Discord's (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
// title 256, description 4096, up to 25 fields of name 256 and value 1024, footer.text 2048,
// author.name 256, and at most 6000 characters across title, description, field names and values,
// footer text and author name of all embeds of one message.
import { z } from 'zod';
import { addFieldIssue, colorSchema, webUrlSchema } from './fieldSchemas.ts';

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Across all embeds of a message. */
  total: 6000,
  perMessage: 10,
  url: 2048,
} as const;

const linkUrl = webUrlSchema(EMBED_LIMITS.url);
/** Images may also name a file of the same message (`attachment://cat.png`). */
const mediaUrl = webUrlSchema(EMBED_LIMITS.url, ['http', 'https', 'attachment']);

export const embedSchema = z.object({
  title: z.string().max(EMBED_LIMITS.title).optional(),
  /** Senders only make rich embeds; the other types are ones Discord generates for links. */
  type: z.enum(['rich', 'image', 'video', 'gifv', 'article', 'link']).optional(),
  description: z.string().max(EMBED_LIMITS.description).optional(),
  url: linkUrl.optional(),
  timestamp: z.string().datetime({ offset: true }).optional(),
  color: colorSchema.optional(),
  footer: z.object({ text: z.string().min(1).max(EMBED_LIMITS.footerText), icon_url: mediaUrl.optional() }).optional(),
  image: z.object({ url: mediaUrl }).optional(),
  thumbnail: z.object({ url: mediaUrl }).optional(),
  author: z.object({ name: z.string().min(1).max(EMBED_LIMITS.authorName), url: linkUrl.optional(), icon_url: mediaUrl.optional() }).optional(),
  fields: z
    .array(z.object({ name: z.string().min(1).max(EMBED_LIMITS.fieldName), value: z.string().min(1).max(EMBED_LIMITS.fieldValue), inline: z.boolean().optional() }))
    .max(EMBED_LIMITS.fields)
    .optional(),
});
export type EmbedInput = z.infer<typeof embedSchema>;

/** The characters of an embed that count toward the 6000 of a message (UTF-16 units, as every other length here). */
export function embedTextLength(e: EmbedInput): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Adds Discord's "Embed size exceeds maximum size of 6000" on `path` when the embeds together are too long. */
export function checkEmbedsTotal(ctx: z.RefinementCtx, embeds: readonly EmbedInput[], path: (string | number)[]): void {
  let total = 0;
  for (const e of embeds) total += embedTextLength(e);
  if (total > EMBED_LIMITS.total) addFieldIssue(ctx, path, 'BASE_TYPE_MAX_LENGTH', `Embed size exceeds maximum size of ${EMBED_LIMITS.total}`);
}

/** The `embeds` array of a message body: at most 10, 6000 characters in total. */
export const embedsSchema = z
  .array(embedSchema)
  .max(EMBED_LIMITS.perMessage)
  .superRefine((embeds, ctx) => checkEmbedsTotal(ctx, embeds, []));
