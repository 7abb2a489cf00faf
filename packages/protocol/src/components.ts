// Message and modal components (Discord API v10, https://discord.com/developers/docs/components/reference):
// up to five action rows; a row holds up to five buttons or exactly one select (a text input in a
// modal); nothing nests deeper. Only applications send them: bots, interaction responses and
// application-owned webhooks (the server drops them from everyone else, as Discord does).
import { z } from 'zod';
import { addFieldIssue, snowflakeSchema, webUrlSchema } from './fieldSchemas.ts';

export const ComponentType = {
  ACTION_ROW: 1,
  BUTTON: 2,
  STRING_SELECT: 3,
  TEXT_INPUT: 4,
  USER_SELECT: 5,
  ROLE_SELECT: 6,
  MENTIONABLE_SELECT: 7,
  CHANNEL_SELECT: 8,
} as const;

export const ButtonStyle = { PRIMARY: 1, SECONDARY: 2, SUCCESS: 3, DANGER: 4, LINK: 5, PREMIUM: 6 } as const;

const emojiSchema = z.object({ id: snowflakeSchema.nullable().optional(), name: z.string().max(64).nullable().optional(), animated: z.boolean().optional() });
const customId = z.string().min(1).max(100);

const buttonSchema = z
  .object({
    type: z.literal(2),
    style: z.number().int().min(1).max(6),
    label: z.string().max(80).optional(),
    emoji: emojiSchema.optional(),
    custom_id: customId.optional(),
    // Link buttons open in the reader's browser: http(s) and discord:// only.
    url: webUrlSchema(512, ['http', 'https', 'discord']).optional(),
    sku_id: snowflakeSchema.optional(),
    disabled: z.boolean().optional(),
    id: z.number().int().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.style === ButtonStyle.LINK) {
      if (!b.url) addFieldIssue(ctx, ['url'], 'BASE_TYPE_REQUIRED', 'This field is required');
      if (b.custom_id !== undefined) addFieldIssue(ctx, ['custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom_id');
    } else if (b.style === ButtonStyle.PREMIUM) {
      if (!b.sku_id) addFieldIssue(ctx, ['sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else {
      if (!b.custom_id) addFieldIssue(ctx, ['custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
      if (b.url !== undefined) addFieldIssue(ctx, ['url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'Only link buttons can have a url');
    }
  });

const selectSchema = z
  .object({
    type: z.union([z.literal(3), z.literal(5), z.literal(6), z.literal(7), z.literal(8)]),
    custom_id: customId,
    options: z
      .array(z.object({ label: z.string().min(1).max(100), value: z.string().min(1).max(100), description: z.string().max(100).optional(), emoji: emojiSchema.optional(), default: z.boolean().optional() }))
      .max(25)
      .optional(),
    channel_types: z.array(z.number().int().min(0).max(20)).max(20).optional(),
    placeholder: z.string().max(150).optional(),
    default_values: z.array(z.object({ id: snowflakeSchema, type: z.enum(['user', 'role', 'channel']) })).max(25).optional(),
    min_values: z.number().int().min(0).max(25).optional(),
    max_values: z.number().int().min(1).max(25).optional(),
    disabled: z.boolean().optional(),
    id: z.number().int().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.type === ComponentType.STRING_SELECT && !s.options?.length) addFieldIssue(ctx, ['options'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (s.type !== ComponentType.STRING_SELECT && s.options !== undefined) addFieldIssue(ctx, ['options'], 'COMPONENT_INVALID', 'Only string selects have options');
    if (s.type !== ComponentType.CHANNEL_SELECT && s.channel_types !== undefined) addFieldIssue(ctx, ['channel_types'], 'COMPONENT_INVALID', 'Only channel selects have channel_types');
    if (s.min_values !== undefined && s.max_values !== undefined && s.min_values > s.max_values) addFieldIssue(ctx, ['min_values'], 'NUMBER_TYPE_MAX', 'min_values must not exceed max_values');
  });

const textInputSchema = z.object({
  type: z.literal(4),
  custom_id: customId,
  style: z.union([z.literal(1), z.literal(2)]),
  label: z.string().min(1).max(45),
  min_length: z.number().int().min(0).max(4000).optional(),
  max_length: z.number().int().min(1).max(4000).optional(),
  required: z.boolean().optional(),
  value: z.string().max(4000).optional(),
  placeholder: z.string().max(100).optional(),
  id: z.number().int().optional(),
});

const messageRowSchema = z
  .object({ type: z.literal(1), components: z.array(z.union([buttonSchema, selectSchema])).min(1).max(5), id: z.number().int().optional() })
  .superRefine((row, ctx) => {
    if (row.components.length > 1 && row.components.some((c) => c.type !== ComponentType.BUTTON)) {
      addFieldIssue(ctx, ['components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'A select menu must be alone in its action row');
    }
  });

/** Every custom_id of a message or modal is unique, so that an interaction names one component. */
function checkUniqueCustomIds(ctx: z.RefinementCtx, rows: readonly { components: readonly { custom_id?: string | undefined }[] }[]): void {
  const seen = new Set<string>();
  rows.forEach((row, i) =>
    row.components.forEach((c, j) => {
      if (c.custom_id === undefined) return;
      if (seen.has(c.custom_id)) addFieldIssue(ctx, [i, 'components', j, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
      seen.add(c.custom_id);
    }),
  );
}

/** Message components: up to five action rows of up to five buttons, or one select each. */
export const MessageComponentsSchema = z
  .array(messageRowSchema)
  .max(5)
  .superRefine((rows, ctx) => checkUniqueCustomIds(ctx, rows));
export type MessageComponentsInput = z.infer<typeof MessageComponentsSchema>;

/** Modal components: action rows holding one text input each. */
export const ModalComponentsSchema = z
  .array(z.object({ type: z.literal(1), components: z.array(textInputSchema).length(1), id: z.number().int().optional() }))
  .min(1)
  .max(5)
  .superRefine((rows, ctx) => checkUniqueCustomIds(ctx, rows));
