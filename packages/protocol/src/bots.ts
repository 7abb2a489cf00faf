// The bot platform's wire contract: applications, application commands, interactions, message
// components, webhooks, audit log and auto moderation. Values and shapes are Discord's (API v10),
// so that unmodified discord.js bots work; the schemas parse REST bodies once at the boundary.
import { z } from 'zod';
import { MessageComponentsSchema, ModalComponentsSchema } from './components.ts';
import { addFieldIssue } from './fieldSchemas.ts';
import { LinearRegex } from './linearRegex.ts';
import { AllowedMentionsSchema, embedsSchema, permissionsSchema, snowflakeSchema } from './schemas.ts';
import { GatewayIntents } from './gateway.ts';
import type { Snowflake } from './snowflake.ts';
import type { APIChannel, APIGuildMember, APIMessage, APIRole, APIUser } from './types.ts';

// ------------------------------------------------------------------ applications

export const ApplicationFlags = {
  GATEWAY_PRESENCE: 1 << 12,
  GATEWAY_PRESENCE_LIMITED: 1 << 13,
  GATEWAY_GUILD_MEMBERS: 1 << 14,
  GATEWAY_GUILD_MEMBERS_LIMITED: 1 << 15,
  VERIFICATION_PENDING_GUILD_LIMIT: 1 << 16,
  EMBEDDED: 1 << 17,
  GATEWAY_MESSAGE_CONTENT: 1 << 18,
  GATEWAY_MESSAGE_CONTENT_LIMITED: 1 << 19,
  APPLICATION_COMMAND_BADGE: 1 << 23,
} as const;

/** The flags an owner may set through PATCH /applications/:id (the privileged-intent switches). */
export const EDITABLE_APPLICATION_FLAGS =
  ApplicationFlags.GATEWAY_PRESENCE |
  ApplicationFlags.GATEWAY_PRESENCE_LIMITED |
  ApplicationFlags.GATEWAY_GUILD_MEMBERS |
  ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED |
  ApplicationFlags.GATEWAY_MESSAGE_CONTENT |
  ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED;

/** The privileged gateway intents an application's flags allow its bot to identify with. */
export function privilegedIntentsForFlags(flags: number): number {
  let intents = 0;
  if (flags & (ApplicationFlags.GATEWAY_PRESENCE | ApplicationFlags.GATEWAY_PRESENCE_LIMITED)) intents |= GatewayIntents.GUILD_PRESENCES;
  if (flags & (ApplicationFlags.GATEWAY_GUILD_MEMBERS | ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED)) intents |= GatewayIntents.GUILD_MEMBERS;
  if (flags & (ApplicationFlags.GATEWAY_MESSAGE_CONTENT | ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED)) intents |= GatewayIntents.MESSAGE_CONTENT;
  return intents;
}

export const OAUTH2_SCOPES = ['bot', 'applications.commands', 'identify', 'guilds', 'email', 'guilds.join', 'messages.read', 'webhook.incoming'] as const;

export interface APIApplication {
  id: Snowflake;
  name: string;
  icon: string | null;
  description: string;
  summary: string;
  type: null;
  bot_public: boolean;
  bot_require_code_grant: boolean;
  verify_key: string;
  flags: number;
  owner: APIUser;
  team: null;
  redirect_uris: string[];
  interactions_endpoint_url: string | null;
  install_params?: { scopes: string[]; permissions: string };
  tags: string[];
  approximate_guild_count: number;
  bot?: APIUser;
}

export const CreateApplicationBody = z.object({
  name: z.string().trim().min(2).max(32),
  description: z.string().max(400).optional(),
  team_id: snowflakeSchema.nullable().optional(),
});

export const ModifyApplicationBody = z.object({
  name: z.string().trim().min(2).max(32).optional(),
  description: z.string().max(400).optional(),
  icon: z.string().max(10_000_000).nullable().optional(),
  flags: z.number().int().min(0).optional(),
  bot_public: z.boolean().optional(),
  bot_require_code_grant: z.boolean().optional(),
  interactions_endpoint_url: z.string().url().max(2048).nullable().optional(),
  tags: z.array(z.string().min(1).max(20)).max(5).optional(),
  install_params: z.object({ scopes: z.array(z.enum(OAUTH2_SCOPES)).max(10), permissions: permissionsSchema }).optional(),
});

export const ModifyBotBody = z.object({
  username: z.string().trim().min(2).max(32).optional(),
  avatar: z.string().max(10_000_000).nullable().optional(),
});

/** Query of GET/POST /oauth2/authorize. */
export const OAuth2AuthorizeQuery = z.object({
  client_id: snowflakeSchema,
  scope: z
    .string()
    .min(1)
    .max(512)
    .transform((s) => [...new Set(s.split(/[\s+]+/).filter(Boolean))])
    .refine((scopes) => scopes.every((s) => (OAUTH2_SCOPES as readonly string[]).includes(s)), { message: 'Invalid scope', params: { code: 'SCOPE_INVALID' } }),
  permissions: permissionsSchema.optional(),
  guild_id: snowflakeSchema.optional(),
  response_type: z.string().max(32).optional(),
  redirect_uri: z.string().max(2048).optional(),
  state: z.string().max(1024).optional(),
  disable_guild_select: z.string().max(8).optional(),
  integration_type: z.coerce.number().int().optional(),
});

export const OAuth2AuthorizeBody = z.object({
  authorize: z.boolean(),
  guild_id: snowflakeSchema.optional(),
  permissions: permissionsSchema.optional(),
  integration_type: z.number().int().optional(),
});

// ------------------------------------------------------------------ application commands

export const ApplicationCommandType = { CHAT_INPUT: 1, USER: 2, MESSAGE: 3 } as const;

export const ApplicationCommandOptionType = {
  SUB_COMMAND: 1,
  SUB_COMMAND_GROUP: 2,
  STRING: 3,
  INTEGER: 4,
  BOOLEAN: 5,
  USER: 6,
  CHANNEL: 7,
  ROLE: 8,
  MENTIONABLE: 9,
  NUMBER: 10,
  ATTACHMENT: 11,
} as const;

export const InteractionContextType = { GUILD: 0, BOT_DM: 1, PRIVATE_CHANNEL: 2 } as const;

/** Chat-input names: lowercase letters (of any script), digits, - _ ' ; 1 to 32 characters. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export interface APIApplicationCommandOptionChoice {
  name: string;
  name_localizations?: Record<string, string> | null;
  value: string | number;
}

export interface APIApplicationCommandOption {
  type: number;
  name: string;
  name_localizations?: Record<string, string> | null;
  description: string;
  description_localizations?: Record<string, string> | null;
  required?: boolean;
  choices?: APIApplicationCommandOptionChoice[];
  options?: APIApplicationCommandOption[];
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  autocomplete?: boolean;
}

export interface APIApplicationCommand {
  id: Snowflake;
  type: number;
  application_id: Snowflake;
  guild_id?: Snowflake;
  name: string;
  name_localizations?: Record<string, string> | null;
  description: string;
  description_localizations?: Record<string, string> | null;
  options?: APIApplicationCommandOption[];
  default_member_permissions: string | null;
  dm_permission?: boolean;
  nsfw: boolean;
  contexts: number[] | null;
  integration_types: number[];
  version: Snowflake;
}

/** Locale -> text; stored with the command and sent to every client, so keys are locale codes and few. */
const localizations = z
  .record(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/), z.string().max(100))
  .refine((r) => Object.keys(r).length <= 40, { message: 'Must be 40 or fewer in length.', params: { code: 'BASE_TYPE_MAX_LENGTH' } })
  .nullable()
  .optional();

const choiceSchema = z.object({
  name: z.string().min(1).max(100),
  name_localizations: localizations,
  value: z.union([z.string().max(100), z.number()]),
});

interface OptionInput {
  type: number;
  name: string;
  name_localizations?: Record<string, string> | null | undefined;
  description: string;
  description_localizations?: Record<string, string> | null | undefined;
  required?: boolean | undefined;
  choices?: z.infer<typeof choiceSchema>[] | undefined;
  options?: OptionInput[] | undefined;
  channel_types?: number[] | undefined;
  min_value?: number | undefined;
  max_value?: number | undefined;
  min_length?: number | undefined;
  max_length?: number | undefined;
  autocomplete?: boolean | undefined;
}

const optionSchema: z.ZodType<OptionInput, z.ZodTypeDef, unknown> = z.lazy(() =>
  z.object({
    type: z.number().int().min(1).max(11),
    name: z.string().regex(CHAT_INPUT_NAME, { message: 'Command name is invalid' }),
    name_localizations: localizations,
    description: z.string().min(1).max(100),
    description_localizations: localizations,
    required: z.boolean().optional(),
    choices: z.array(choiceSchema).max(25).optional(),
    options: z.array(optionSchema).max(25).optional(),
    channel_types: z.array(z.number().int().min(0)).max(20).optional(),
    min_value: z.number().optional(),
    max_value: z.number().optional(),
    min_length: z.number().int().min(0).max(6000).optional(),
    max_length: z.number().int().min(1).max(6000).optional(),
    autocomplete: z.boolean().optional(),
  }),
);

type Ctx = z.RefinementCtx;
const issue = addFieldIssue;

const VALUE_TYPES: ReadonlySet<number> = new Set([3, 4, 10]);

/** Discord's structural rules for one level of options (names, nesting, required-first, choices). */
function checkOptions(ctx: Ctx, options: OptionInput[], path: (string | number)[], depth: 0 | 1 | 2): void {
  const names = new Set<string>();
  let sawOptional = false;
  const subs = options.filter((o) => o.type === 1 || o.type === 2).length;
  if (subs > 0 && subs !== options.length) issue(ctx, path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
  options.forEach((o, i) => {
    const at = [...path, i];
    if (o.name !== o.name.toLowerCase()) issue(ctx, [...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    if (names.has(o.name)) issue(ctx, [...at, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique');
    names.add(o.name);
    if (o.type === 1 || o.type === 2) {
      if (o.required) issue(ctx, [...at, 'required'], 'APPLICATION_COMMAND_OPTION_REQUIRED_INVALID', 'Sub-commands cannot be required');
      if (o.type === 2 && depth !== 0) issue(ctx, [...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command groups can only be at the top level');
      if (o.type === 1 && depth === 2) issue(ctx, [...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-commands cannot be nested in sub-commands');
      const children = o.options ?? [];
      if (o.type === 2 && children.some((c) => c.type !== 1)) issue(ctx, [...at, 'options'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command groups may only contain sub-commands');
      if (o.type === 1 && children.some((c) => c.type === 1 || c.type === 2)) issue(ctx, [...at, 'options'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-commands cannot contain sub-commands');
      checkOptions(ctx, children, [...at, 'options'], o.type === 2 ? 1 : 2);
      return;
    }
    if (o.options?.length) issue(ctx, [...at, 'options'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Only sub-commands and groups have options');
    if (o.required) {
      if (sawOptional) issue(ctx, [...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else sawOptional = true;
    if (o.choices?.length && !VALUE_TYPES.has(o.type)) issue(ctx, [...at, 'choices'], 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Choices are only allowed for string, integer and number options');
    if (o.autocomplete && !VALUE_TYPES.has(o.type)) issue(ctx, [...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete is only allowed for string, integer and number options');
    if (o.autocomplete && o.choices?.length) issue(ctx, [...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete and choices are mutually exclusive');
    o.choices?.forEach((c, j) => {
      const ok = o.type === 3 ? typeof c.value === 'string' : typeof c.value === 'number' && (o.type !== 4 || Number.isInteger(c.value));
      if (!ok) issue(ctx, [...at, 'choices', j, 'value'], 'APPLICATION_COMMAND_OPTION_CHOICE_VALUE_INVALID', 'Choice value does not match the option type');
    });
    if ((o.min_value !== undefined || o.max_value !== undefined) && o.type !== 4 && o.type !== 10) issue(ctx, [...at, 'min_value'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'min_value/max_value are only allowed for integer and number options');
    if (o.min_value !== undefined && o.max_value !== undefined && o.min_value > o.max_value) issue(ctx, [...at, 'max_value'], 'NUMBER_TYPE_MIN', 'max_value must be at least min_value');
    if ((o.min_length !== undefined || o.max_length !== undefined) && o.type !== 3) issue(ctx, [...at, 'min_length'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'min_length/max_length are only allowed for string options');
    if (o.min_length !== undefined && o.max_length !== undefined && o.min_length > o.max_length) issue(ctx, [...at, 'max_length'], 'BASE_TYPE_MIN_LENGTH', 'max_length must be at least min_length');
    if (o.channel_types?.length && o.type !== 7) issue(ctx, [...at, 'channel_types'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'channel_types is only allowed for channel options');
  });
}

export const ApplicationCommandBody = z
  .object({
    name: z.string().min(1).max(32),
    name_localizations: localizations,
    description: z.string().max(100).optional(),
    description_localizations: localizations,
    options: z.array(optionSchema).max(25).optional(),
    default_member_permissions: z.union([permissionsSchema, z.null()]).optional(),
    dm_permission: z.boolean().nullable().optional(),
    default_permission: z.boolean().nullable().optional(),
    type: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    nsfw: z.boolean().optional(),
    contexts: z.array(z.number().int().min(0).max(2)).max(3).nullable().optional(),
    integration_types: z.array(z.number().int().min(0).max(1)).max(2).optional(),
    id: snowflakeSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const type = c.type ?? 1;
    if (type === 1) {
      if (!CHAT_INPUT_NAME.test(c.name) || c.name !== c.name.toLowerCase()) issue(ctx, ['name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      if (!c.description) issue(ctx, ['description'], 'BASE_TYPE_REQUIRED', 'This field is required');
      checkOptions(ctx, c.options ?? [], ['options'], 0);
    } else {
      if (c.description) issue(ctx, ['description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID', 'Context menu commands cannot have a description');
      if (c.options?.length) issue(ctx, ['options'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Context menu commands cannot have options');
    }
  });
export type ApplicationCommandInput = z.infer<typeof ApplicationCommandBody>;

/** PATCH of a command: the merged definition is parsed again with ApplicationCommandBody, so values stay raw here. */
export const ModifyApplicationCommandBody = z.object({
  name: z.string().min(1).max(32).optional(),
  name_localizations: localizations,
  description: z.string().max(100).optional(),
  description_localizations: localizations,
  options: z.array(z.unknown()).max(25).optional(),
  default_member_permissions: z.union([z.string(), z.number(), z.null()]).optional(),
  dm_permission: z.boolean().nullable().optional(),
  nsfw: z.boolean().optional(),
  contexts: z.array(z.number().int().min(0).max(2)).max(3).nullable().optional(),
  integration_types: z.array(z.number().int().min(0).max(1)).max(2).optional(),
});

export const BulkApplicationCommandsBody = z.array(ApplicationCommandBody).max(200);

// ------------------------------------------------------------------ components

export { ButtonStyle, ComponentType, MessageComponentsSchema, ModalComponentsSchema, type MessageComponentsInput } from './components.ts';

// ------------------------------------------------------------------ interactions

export const InteractionType = { PING: 1, APPLICATION_COMMAND: 2, MESSAGE_COMPONENT: 3, APPLICATION_COMMAND_AUTOCOMPLETE: 4, MODAL_SUBMIT: 5 } as const;

export const InteractionResponseType = {
  PONG: 1,
  CHANNEL_MESSAGE_WITH_SOURCE: 4,
  DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: 5,
  DEFERRED_UPDATE_MESSAGE: 6,
  UPDATE_MESSAGE: 7,
  APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: 8,
  MODAL: 9,
} as const;

/** How long an interaction token works for follow-ups, and how long the first answer may take. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
export const INTERACTION_INITIAL_RESPONSE_MS = 3_000;

export interface APIInteractionDataOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: APIInteractionDataOption[];
  focused?: boolean;
}

export interface APIInteractionResolved {
  users?: Record<Snowflake, APIUser>;
  members?: Record<Snowflake, Omit<APIGuildMember, 'user' | 'deaf' | 'mute'> & { permissions: string }>;
  roles?: Record<Snowflake, APIRole>;
  channels?: Record<Snowflake, Pick<APIChannel, 'id' | 'name' | 'type'> & { permissions: string }>;
  messages?: Record<Snowflake, APIMessage>;
}

export interface APIInteraction {
  id: Snowflake;
  application_id: Snowflake;
  type: number;
  data?: unknown;
  guild_id?: Snowflake;
  guild?: { id: Snowflake; locale: string; features: string[] };
  channel?: APIChannel;
  channel_id: Snowflake;
  member?: APIGuildMember & { permissions: string };
  user?: APIUser;
  token: string;
  version: 1;
  message?: APIMessage;
  app_permissions: string;
  locale: string;
  guild_locale?: string;
  entitlements: unknown[];
  authorizing_integration_owners: Record<string, Snowflake>;
  context: number;
  attachment_size_limit: number;
}

/** One option as a client sends it when invoking a command. */
interface InvokedOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: InvokedOption[] | undefined;
  focused?: boolean | undefined;
}

const invokedOptionSchema: z.ZodType<InvokedOption, z.ZodTypeDef, unknown> = z.lazy(() =>
  z.object({
    name: z.string().min(1).max(32),
    type: z.number().int().min(1).max(11),
    value: z.union([z.string().max(6000), z.number(), z.boolean()]).optional(),
    options: z.array(invokedOptionSchema).max(25).optional(),
    focused: z.boolean().optional(),
  }),
);

const CommandInvocationData = z.object({
  id: snowflakeSchema,
  name: z.string().min(1).max(32),
  type: z.number().int().min(1).max(3).optional(),
  version: snowflakeSchema.optional(),
  guild_id: snowflakeSchema.optional(),
  options: z.array(invokedOptionSchema).max(25).optional(),
  target_id: snowflakeSchema.optional(),
});
export type CommandInvocation = z.infer<typeof CommandInvocationData>;

const ComponentInvocationData = z.object({
  component_type: z.number().int().min(2).max(8),
  custom_id: z.string().min(1).max(100),
  values: z.array(z.string().max(100)).max(25).optional(),
});

const ModalSubmitData = z.object({
  id: snowflakeSchema.optional(),
  custom_id: z.string().min(1).max(100),
  components: z
    .array(z.object({ type: z.literal(1), components: z.array(z.object({ type: z.literal(4), custom_id: z.string().min(1).max(100), value: z.string().max(4000) })).min(1).max(5) }))
    .min(1)
    .max(5),
});

const invocationBase = {
  application_id: snowflakeSchema,
  channel_id: snowflakeSchema,
  guild_id: snowflakeSchema.optional(),
  session_id: z.string().max(128).optional(),
  nonce: z.union([z.string().max(64), z.number().int()]).optional(),
};

/** POST /interactions: what a user's client sends to invoke a command, click a component or submit a modal. */
export const CreateInteractionBody = z.discriminatedUnion('type', [
  z.object({ ...invocationBase, type: z.literal(2), data: CommandInvocationData }),
  z.object({ ...invocationBase, type: z.literal(4), data: CommandInvocationData }),
  z.object({ ...invocationBase, type: z.literal(3), message_id: snowflakeSchema, message_flags: z.number().int().optional(), data: ComponentInvocationData }),
  z.object({ ...invocationBase, type: z.literal(5), message_id: snowflakeSchema.optional(), data: ModalSubmitData }),
]);
export type CreateInteractionInput = z.infer<typeof CreateInteractionBody>;

/**
 * The answer to POST /interactions: the interaction's id and the bot's first response, or null
 * when it did not answer within the 3-second window. `data` holds autocomplete choices (type 8)
 * or the modal to show (type 9).
 */
export interface CreateInteractionResult {
  id: Snowflake;
  nonce: string | number | null;
  response: { type: number; data?: unknown } | null;
}

/** The message part of interaction responses, follow-ups, webhook executions and their edits. */
export const WebhookMessageBody = z.object({
  content: z.string().max(2000).nullable().optional(),
  embeds: embedsSchema.nullable().optional(),
  components: MessageComponentsSchema.nullable().optional(),
  allowed_mentions: AllowedMentionsSchema.nullable().optional(),
  flags: z.number().int().min(0).nullable().optional(),
  tts: z.boolean().optional(),
  attachments: z.array(z.object({ id: snowflakeSchema })).max(10).nullable().optional(),
  username: z.string().min(1).max(80).optional(),
  avatar_url: z.string().max(2048).optional(),
  thread_name: z.string().max(100).optional(),
});
export type WebhookMessageInput = z.infer<typeof WebhookMessageBody>;

/** POST /interactions/:id/:token/callback. */
export const InteractionCallbackBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal(1) }),
  z.object({ type: z.literal(4), data: WebhookMessageBody }),
  z.object({ type: z.literal(5), data: z.object({ flags: z.number().int().min(0).optional() }).optional() }),
  z.object({ type: z.literal(6), data: z.object({}).optional() }),
  z.object({ type: z.literal(7), data: WebhookMessageBody }),
  z.object({ type: z.literal(8), data: z.object({ choices: z.array(choiceSchema).max(25) }) }),
  z.object({ type: z.literal(9), data: z.object({ custom_id: z.string().min(1).max(100), title: z.string().min(1).max(45), components: ModalComponentsSchema }) }),
]);
export type InteractionCallbackInput = z.infer<typeof InteractionCallbackBody>;

// ------------------------------------------------------------------ webhooks

export const WebhookType = { INCOMING: 1, CHANNEL_FOLLOWER: 2, APPLICATION: 3 } as const;

export interface APIWebhook {
  id: Snowflake;
  type: number;
  guild_id: Snowflake | null;
  channel_id: Snowflake;
  user?: APIUser;
  name: string | null;
  avatar: string | null;
  token?: string;
  application_id: Snowflake | null;
  url?: string;
}

const webhookName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((n) => !/clyde|discord/i.test(n), { message: 'Webhook names cannot contain "clyde" or "discord"', params: { code: 'WEBHOOK_INVALID_NAME' } });

export const CreateWebhookBody = z.object({ name: webhookName, avatar: z.string().max(10_000_000).nullable().optional() });
export const ModifyWebhookBody = z.object({ name: webhookName.optional(), avatar: z.string().max(10_000_000).nullable().optional(), channel_id: snowflakeSchema.optional() });
export const ModifyWebhookWithTokenBody = z.object({ name: webhookName.optional(), avatar: z.string().max(10_000_000).nullable().optional() });

// ------------------------------------------------------------------ audit log

export const AuditLogEvent = {
  GUILD_UPDATE: 1,
  CHANNEL_CREATE: 10,
  CHANNEL_UPDATE: 11,
  CHANNEL_DELETE: 12,
  CHANNEL_OVERWRITE_CREATE: 13,
  CHANNEL_OVERWRITE_UPDATE: 14,
  CHANNEL_OVERWRITE_DELETE: 15,
  MEMBER_KICK: 20,
  MEMBER_BAN_ADD: 22,
  MEMBER_BAN_REMOVE: 23,
  MEMBER_UPDATE: 24,
  MEMBER_ROLE_UPDATE: 25,
  BOT_ADD: 28,
  ROLE_CREATE: 30,
  ROLE_UPDATE: 31,
  ROLE_DELETE: 32,
  INVITE_CREATE: 40,
  INVITE_DELETE: 42,
  WEBHOOK_CREATE: 50,
  WEBHOOK_UPDATE: 51,
  WEBHOOK_DELETE: 52,
  EMOJI_CREATE: 60,
  EMOJI_UPDATE: 61,
  EMOJI_DELETE: 62,
  MESSAGE_DELETE: 72,
  MESSAGE_BULK_DELETE: 73,
  MESSAGE_PIN: 74,
  MESSAGE_UNPIN: 75,
  STICKER_CREATE: 90,
  STICKER_UPDATE: 91,
  STICKER_DELETE: 92,
  APPLICATION_COMMAND_PERMISSION_UPDATE: 121,
  AUTO_MODERATION_RULE_CREATE: 140,
  AUTO_MODERATION_RULE_UPDATE: 141,
  AUTO_MODERATION_RULE_DELETE: 142,
  AUTO_MODERATION_BLOCK_MESSAGE: 143,
  AUTO_MODERATION_FLAG_TO_CHANNEL: 144,
  AUTO_MODERATION_USER_COMMUNICATION_DISABLED: 145,
} as const;

export interface APIAuditLogChange {
  key: string;
  new_value?: unknown;
  old_value?: unknown;
}

export interface APIAuditLogEntry {
  id: Snowflake;
  guild_id: Snowflake;
  target_id: Snowflake | null;
  user_id: Snowflake | null;
  action_type: number;
  changes?: APIAuditLogChange[];
  options?: Record<string, string>;
  reason?: string;
}

export const AuditLogQuery = z.object({
  user_id: snowflakeSchema.optional(),
  action_type: z.coerce.number().int().min(1).optional(),
  before: snowflakeSchema.optional(),
  after: snowflakeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// ------------------------------------------------------------------ auto moderation

export const AutoModTriggerType = { KEYWORD: 1, SPAM: 3, KEYWORD_PRESET: 4, MENTION_SPAM: 5, MEMBER_PROFILE: 6 } as const;
export const AutoModKeywordPreset = { PROFANITY: 1, SEXUAL_CONTENT: 2, SLURS: 3 } as const;
export const AutoModActionType = { BLOCK_MESSAGE: 1, SEND_ALERT_MESSAGE: 2, TIMEOUT: 3 } as const;
export const AutoModEventType = { MESSAGE_SEND: 1, MEMBER_UPDATE: 2 } as const;

const autoModAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal(1), metadata: z.object({ custom_message: z.string().max(150).optional() }).optional() }),
  z.object({ type: z.literal(2), metadata: z.object({ channel_id: snowflakeSchema }) }),
  z.object({ type: z.literal(3), metadata: z.object({ duration_seconds: z.number().int().min(1).max(2_419_200) }) }),
]);

/**
 * One auto-moderation pattern: RE2 / Rust syntax as Discord documents it (no backreferences or
 * look-around), compiled by the same linear-time engine the server runs, so what is accepted here
 * always runs in linear time there.
 */
const autoModRegexSchema = z
  .string()
  .min(1)
  .max(260)
  .superRefine((p, ctx) => {
    const why = LinearRegex.check(p);
    if (why !== null) issue(ctx, [], 'AUTO_MODERATION_INVALID_REGEX', `Invalid regex: ${why}`);
  });

/** Discord's allow_list caps: 100 entries for keyword rules, 1000 for keyword preset rules. */
export const AUTOMOD_ALLOW_LIST_MAX: Readonly<Record<number, number>> = { [1]: 100, [4]: 1000 };

const triggerMetadata = z.object({
  keyword_filter: z.array(z.string().min(1).max(60)).max(1000).optional(),
  regex_patterns: z.array(autoModRegexSchema).max(10).optional(),
  presets: z.array(z.number().int().min(1).max(3)).max(3).optional(),
  allow_list: z.array(z.string().min(1).max(60)).max(1000).optional(),
  mention_total_limit: z.number().int().min(1).max(50).optional(),
  mention_raid_protection_enabled: z.boolean().optional(),
});

export const CreateAutoModRuleBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    event_type: z.union([z.literal(1), z.literal(2)]),
    trigger_type: z.union([z.literal(1), z.literal(3), z.literal(4), z.literal(5)]),
    trigger_metadata: triggerMetadata.optional(),
    actions: z.array(autoModAction).min(1).max(5),
    enabled: z.boolean().optional(),
    exempt_roles: z.array(snowflakeSchema).max(20).optional(),
    exempt_channels: z.array(snowflakeSchema).max(50).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.trigger_type === 1 && !r.trigger_metadata?.keyword_filter?.length && !r.trigger_metadata?.regex_patterns?.length) {
      issue(ctx, ['trigger_metadata', 'keyword_filter'], 'BASE_TYPE_REQUIRED', 'A keyword rule needs keywords or regex patterns');
    }
    if (r.trigger_type === 4 && !r.trigger_metadata?.presets?.length) issue(ctx, ['trigger_metadata', 'presets'], 'BASE_TYPE_REQUIRED', 'A keyword preset rule needs presets');
    if (r.trigger_type === 5 && !r.trigger_metadata?.mention_total_limit) issue(ctx, ['trigger_metadata', 'mention_total_limit'], 'BASE_TYPE_REQUIRED', 'A mention spam rule needs mention_total_limit');
    const allowMax = AUTOMOD_ALLOW_LIST_MAX[r.trigger_type];
    if (allowMax !== undefined && (r.trigger_metadata?.allow_list?.length ?? 0) > allowMax) {
      issue(ctx, ['trigger_metadata', 'allow_list'], 'BASE_TYPE_MAX_LENGTH', `Must be ${allowMax} or fewer in length.`);
    }
  });
export type AutoModRuleInput = z.infer<typeof CreateAutoModRuleBody>;

export const ModifyAutoModRuleBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  event_type: z.union([z.literal(1), z.literal(2)]).optional(),
  trigger_metadata: triggerMetadata.optional(),
  actions: z.array(autoModAction).min(1).max(5).optional(),
  enabled: z.boolean().optional(),
  exempt_roles: z.array(snowflakeSchema).max(20).optional(),
  exempt_channels: z.array(snowflakeSchema).max(50).optional(),
});
export type AutoModRulePatch = z.infer<typeof ModifyAutoModRuleBody>;

export interface APIAutoModRule {
  id: Snowflake;
  guild_id: Snowflake;
  name: string;
  creator_id: Snowflake;
  event_type: number;
  trigger_type: number;
  trigger_metadata: Record<string, unknown>;
  actions: { type: number; metadata?: Record<string, unknown> }[];
  enabled: boolean;
  exempt_roles: Snowflake[];
  exempt_channels: Snowflake[];
}
