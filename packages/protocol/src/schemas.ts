// Request schemas for every REST body and query the server accepts. They are parsed once at the
// HTTP boundary; a failure becomes Discord's 50035 "Invalid Form Body" with per-field errors.
import { z } from 'zod';
import { ActivitySchema } from './activities.ts';
import { MessageComponentsSchema } from './components.ts';
import { checkEmbedsTotal, embedSchema, embedsSchema } from './embeds.ts';
import type { FieldErrors } from './errors.ts';
import { addFieldIssue, colorSchema, snowflakeSchema } from './fieldSchemas.ts';
import { parsePermissions } from './permissions.ts';

export { snowflakeSchema } from './fieldSchemas.ts';
export { EMBED_LIMITS, embedSchema, embedsSchema, embedTextLength, type EmbedInput } from './embeds.ts';
export { ActivitySchema, ActivityType, publicActivities, publicActivity, type ActivityInput } from './activities.ts';

export const permissionsSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const p = parsePermissions(v);
  if (p === null) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Invalid permissions value', params: { code: 'NUMBER_TYPE_COERCE' } });
    return z.NEVER;
  }
  return p;
});

const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max);
/** An image as a data URI (icons): the same bound as avatars. */
const imageDataSchema = z.string().max(10_000_000);

export const RegisterBody = z.object({
  username: z.string().trim().min(2).max(32).regex(/^[a-zA-Z0-9_.]+$/, { message: 'Username can only contain letters, numbers, underscores and periods.' }),
  password: z.string().min(8).max(128),
  email: z.string().email().max(254).optional().nullable(),
  global_name: trimmed(1, 32).optional().nullable(),
});

export const LoginBody = z.object({
  login: z.string().min(1).max(254),
  password: z.string().min(1).max(128),
});

export const ModifySelfBody = z.object({
  username: z.string().trim().min(2).max(32).regex(/^[a-zA-Z0-9_.]+$/).optional(),
  global_name: trimmed(1, 32).nullable().optional(),
  avatar: z.string().max(10_000_000).nullable().optional(),
  /** Profile banner as a data URI (premium perk, checked by the server). */
  banner: imageDataSchema.nullable().optional(),
  bio: z.string().max(190).optional(),
  accent_color: colorSchema.nullable().optional(),
  // The current password, checked against its hash: as long as a password can be.
  password: z.string().max(128).optional(),
  new_password: z.string().min(8).max(128).optional(),
});

const overwriteSchema = z.object({
  id: snowflakeSchema,
  type: z.union([z.literal(0), z.literal(1)]),
  allow: permissionsSchema.optional(),
  deny: permissionsSchema.optional(),
});

const channelTypeSchema = z.union([z.literal(0), z.literal(2), z.literal(4), z.literal(5)]);

export const CreateChannelBody = z.object({
  name: trimmed(1, 100),
  type: channelTypeSchema.optional(),
  topic: z.string().max(1024).nullable().optional(),
  bitrate: z.number().int().min(8000).max(384_000).optional(),
  user_limit: z.number().int().min(0).max(99).optional(),
  rate_limit_per_user: z.number().int().min(0).max(21_600).optional(),
  position: z.number().int().min(0).optional(),
  parent_id: snowflakeSchema.nullable().optional(),
  nsfw: z.boolean().optional(),
  permission_overwrites: z.array(overwriteSchema).max(100).optional(),
});

export const ModifyChannelBody = z.object({
  name: trimmed(1, 100).optional(),
  type: channelTypeSchema.optional(),
  topic: z.string().max(1024).nullable().optional(),
  bitrate: z.number().int().min(8000).max(384_000).nullable().optional(),
  user_limit: z.number().int().min(0).max(99).nullable().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21_600).nullable().optional(),
  position: z.number().int().min(0).nullable().optional(),
  parent_id: snowflakeSchema.nullable().optional(),
  nsfw: z.boolean().nullable().optional(),
  permission_overwrites: z.array(overwriteSchema).max(100).optional(),
  icon: imageDataSchema.nullable().optional(),
});

export const ReorderChannelsBody = z
  .array(
    z.object({
      id: snowflakeSchema,
      position: z.number().int().min(0).nullable().optional(),
      parent_id: snowflakeSchema.nullable().optional(),
      lock_permissions: z.boolean().nullable().optional(),
    }),
  )
  .min(1)
  .max(500);

export const PutOverwriteBody = z.object({
  type: z.union([z.literal(0), z.literal(1)]),
  allow: permissionsSchema.nullable().optional(),
  deny: permissionsSchema.nullable().optional(),
});

export const CreateGuildBody = z.object({
  name: trimmed(2, 100),
  icon: imageDataSchema.nullable().optional(),
  description: z.string().max(120).nullable().optional(),
  region: z.string().max(32).nullable().optional(),
  verification_level: z.number().int().min(0).max(4).optional(),
  default_message_notifications: z.number().int().min(0).max(1).optional(),
  explicit_content_filter: z.number().int().min(0).max(2).optional(),
  // Templates of channels and roles are not applied; bounded so that they cost nothing.
  channels: z.array(z.unknown()).max(500).optional(),
  roles: z.array(z.unknown()).max(250).optional(),
  system_channel_id: snowflakeSchema.nullable().optional(),
});

export const ModifyGuildBody = z.object({
  name: trimmed(2, 100).optional(),
  icon: imageDataSchema.nullable().optional(),
  description: z.string().max(120).nullable().optional(),
  verification_level: z.number().int().min(0).max(4).nullable().optional(),
  default_message_notifications: z.number().int().min(0).max(1).nullable().optional(),
  explicit_content_filter: z.number().int().min(0).max(2).nullable().optional(),
  afk_channel_id: snowflakeSchema.nullable().optional(),
  afk_timeout: z.union([z.literal(60), z.literal(300), z.literal(900), z.literal(1800), z.literal(3600)]).optional(),
  system_channel_id: snowflakeSchema.nullable().optional(),
  owner_id: snowflakeSchema.optional(),
  preferred_locale: z.string().max(10).nullable().optional(),
});

export const CreateRoleBody = z.object({
  name: z.string().trim().max(100).optional(),
  permissions: permissionsSchema.nullable().optional(),
  color: colorSchema.nullable().optional(),
  hoist: z.boolean().nullable().optional(),
  mentionable: z.boolean().nullable().optional(),
  icon: imageDataSchema.nullable().optional(),
  unicode_emoji: z.string().max(32).nullable().optional(),
});
export const ModifyRoleBody = CreateRoleBody;

export const ReorderRolesBody = z
  .array(z.object({ id: snowflakeSchema, position: z.number().int().min(0).nullable().optional() }))
  .min(1)
  .max(250);

export const ModifyMemberBody = z.object({
  nick: z.string().max(32).nullable().optional(),
  roles: z.array(snowflakeSchema).max(250).nullable().optional(),
  mute: z.boolean().nullable().optional(),
  deaf: z.boolean().nullable().optional(),
  channel_id: snowflakeSchema.nullable().optional(),
  communication_disabled_until: z.string().datetime({ offset: true }).nullable().optional(),
  flags: z.number().int().nullable().optional(),
});

export const ModifyCurrentMemberBody = z.object({ nick: z.string().max(32).nullable().optional() });

export const CreateBanBody = z.object({
  delete_message_days: z.number().int().min(0).max(7).optional(),
  delete_message_seconds: z.number().int().min(0).max(604_800).optional(),
  reason: z.string().max(512).optional(),
});

export const CreateInviteBody = z.object({
  max_age: z.number().int().min(0).max(604_800).optional(),
  max_uses: z.number().int().min(0).max(100).optional(),
  temporary: z.boolean().optional(),
  unique: z.boolean().optional(),
  target_type: z.number().int().optional(),
});

export const AllowedMentionsSchema = z
  .object({
    parse: z.array(z.enum(['roles', 'users', 'everyone'])).max(3).optional(),
    roles: z.array(snowflakeSchema).max(100).optional(),
    users: z.array(snowflakeSchema).max(100).optional(),
    replied_user: z.boolean().optional(),
  })
  .superRefine((a, ctx) => {
    // Discord: "parse" and an explicit list of the same kind are mutually exclusive (an empty list is fine).
    for (const kind of ['users', 'roles'] as const) {
      if (a.parse?.includes(kind) && (a[kind]?.length ?? 0) > 0) {
        addFieldIssue(ctx, [], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
      }
    }
  });
export type AllowedMentions = z.infer<typeof AllowedMentionsSchema>;

/** 0 DEFAULT (a reply), 1 FORWARD. */
export const MessageReferenceSchema = z.object({
  type: z.union([z.literal(0), z.literal(1)]).optional(),
  message_id: snowflakeSchema.optional(),
  channel_id: snowflakeSchema.optional(),
  guild_id: snowflakeSchema.optional(),
  fail_if_not_exists: z.boolean().optional(),
});

/** The JSON description of a file part of a multipart message (`files[n]` has `id: n`). */
const attachmentDescriptionSchema = z.object({
  id: z.union([z.string().max(20), z.number().int().min(0)]),
  filename: z.string().max(1024).optional(),
  description: z.string().max(1024).optional(),
});

// Content is bounded here at the largest any sender may send (Nitro's 4,000); the sender's own
// limit (2,000 without Nitro) is the domain's rule, with the same 50035 BASE_TYPE_MAX_LENGTH.
export const CreateMessageBody = z
  .object({
    content: z.string().max(4000).optional(),
    nonce: z.union([z.string().max(25), z.number().int()]).optional(),
    tts: z.boolean().optional(),
    embeds: embedsSchema.optional(),
    embed: embedSchema.optional(),
    allowed_mentions: AllowedMentionsSchema.optional(),
    message_reference: MessageReferenceSchema.optional(),
    components: MessageComponentsSchema.optional(),
    sticker_ids: z.array(snowflakeSchema).max(3).optional(),
    attachments: z.array(attachmentDescriptionSchema).max(10).optional(),
    flags: z.number().int().min(0).optional(),
    enforce_nonce: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    // The legacy single `embed` counts toward the 6000 too when it is the one that is used.
    if (!m.embeds && m.embed) checkEmbedsTotal(ctx, [m.embed], ['embed']);
  });
export type CreateMessageInput = z.infer<typeof CreateMessageBody>;

export const EditMessageBody = z.object({
  content: z.string().max(4000).nullable().optional(),
  embeds: embedsSchema.nullable().optional(),
  flags: z.number().int().min(0).nullable().optional(),
  allowed_mentions: AllowedMentionsSchema.nullable().optional(),
  components: MessageComponentsSchema.nullable().optional(),
  /** Attachments to keep (files of the message are not added by an edit here). */
  attachments: z.array(z.object({ id: snowflakeSchema })).max(10).nullable().optional(),
});

export const BulkDeleteBody = z.object({ messages: z.array(snowflakeSchema).min(2).max(100) });

export const CreateDMBody = z.union([
  z.object({ recipient_id: snowflakeSchema }),
  z.object({ recipients: z.array(snowflakeSchema).min(1).max(9), name: z.string().max(100).optional() }),
]);

/** POST /users/@me/relationships: a friend request by username (the discriminator is "0" or absent for new-style names). */
export const SendFriendRequestBody = z.object({
  username: z.string().trim().min(1).max(32),
  discriminator: z.union([z.string().regex(/^\d{1,4}$/), z.number().int().min(0).max(9999)]).nullable().optional(),
});

/** PUT /users/@me/relationships/:id: {} sends or accepts a friend request, {type: 2} blocks. */
export const PutRelationshipBody = z.object({
  type: z.union([z.literal(1), z.literal(2)]).nullable().optional(),
});

export const ModifyGroupDMBody = z.object({ name: z.string().max(100).nullable().optional(), icon: imageDataSchema.nullable().optional() });

export const AckBody = z.object({ token: z.string().max(512).nullable().optional(), manual: z.boolean().optional(), mention_count: z.number().int().min(0).max(1_000_000).optional() });

export const MessageHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: snowflakeSchema.optional(),
  after: snowflakeSchema.optional(),
  around: snowflakeSchema.optional(),
});

export const FollowChannelBody = z.object({ webhook_channel_id: snowflakeSchema });

export const ListMembersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(1),
  after: snowflakeSchema.optional(),
});

export const ReactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  after: snowflakeSchema.optional(),
  type: z.coerce.number().int().min(0).max(1).optional(),
});

const presenceStatusSchema = z.enum(['online', 'idle', 'dnd', 'invisible', 'offline']);
/** Gateway op 2 IDENTIFY. */
export const IdentifyData = z.object({
  token: z.string().min(1).max(512),
  // os/browser/device and the like: scalars only (they are read with String()), at most 32 of them.
  properties: z
    .record(z.union([z.string().max(256), z.number(), z.boolean(), z.null()]))
    .refine((p) => Object.keys(p).length <= 32, { message: 'Must be 32 or fewer in length.', params: { code: 'BASE_TYPE_MAX_LENGTH' } })
    .optional(),
  compress: z.boolean().optional(),
  large_threshold: z.number().int().min(50).max(250).optional(),
  shard: z.tuple([z.number().int().min(0), z.number().int().min(1)]).optional(),
  presence: z
    .object({ since: z.number().nullable().optional(), activities: z.array(ActivitySchema).max(5).nullable().optional(), status: presenceStatusSchema.optional(), afk: z.boolean().nullable().optional() })
    .optional(),
  intents: z.number().int().min(0).optional(),
  capabilities: z.number().int().optional(),
});

/** Gateway op 3 PRESENCE_UPDATE. */
export const PresenceUpdateData = z.object({
  since: z.number().nullable().optional(),
  activities: z.array(ActivitySchema).max(5).nullable().optional(),
  status: presenceStatusSchema,
  afk: z.boolean().nullable().optional(),
});

/** Gateway op 6 RESUME. */
export const ResumeData = z.object({ token: z.string().min(1).max(512), session_id: z.string().min(1).max(128), seq: z.number().int().min(0).nullable() });

/** Gateway op 8 REQUEST_GUILD_MEMBERS. */
export const RequestGuildMembersData = z.object({
  guild_id: z.union([snowflakeSchema, z.array(snowflakeSchema).max(100)]),
  query: z.string().max(100).optional(),
  limit: z.number().int().min(0).max(1000).optional(),
  presences: z.boolean().optional(),
  user_ids: z.union([snowflakeSchema, z.array(snowflakeSchema).max(100)]).optional(),
  nonce: z.string().max(32).optional(),
});

/** Gateway op 4 VOICE_STATE_UPDATE: join, move (another channel) or leave (null) a guild's voice channel. */
export const VoiceStateUpdateData = z.object({
  guild_id: snowflakeSchema.nullable(),
  channel_id: snowflakeSchema.nullable(),
  self_mute: z.boolean(),
  self_deaf: z.boolean(),
  self_video: z.boolean().optional(),
  self_stream: z.boolean().optional(),
});

/** POST /guilds/:id/voice-states/@me: join a guild voice channel without a gateway session. */
export const JoinVoiceChannelBody = z.object({
  channel_id: snowflakeSchema,
  self_mute: z.boolean().optional(),
  self_deaf: z.boolean().optional(),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const ISSUE_CODES: Record<string, string> = {
  invalid_type: 'BASE_TYPE_INVALID',
  too_small: 'BASE_TYPE_MIN_LENGTH',
  too_big: 'BASE_TYPE_MAX_LENGTH',
  invalid_string: 'STRING_TYPE_INVALID',
  invalid_enum_value: 'BASE_TYPE_CHOICES',
  invalid_literal: 'BASE_TYPE_CHOICES',
  invalid_union: 'BASE_TYPE_INVALID',
  unrecognized_keys: 'BASE_TYPE_INVALID',
};

function isMissing(issue: z.ZodIssue): boolean {
  if (issue.code === 'invalid_type') return issue.received === 'undefined';
  // A union (e.g. snowflake: string | number) reports a missing value once per branch.
  if (issue.code === 'invalid_union') return issue.unionErrors.every((e) => e.issues.some(isMissing));
  return false;
}

function issueToError(issue: z.ZodIssue): { code: string; message: string } {
  if (isMissing(issue)) {
    return { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
  }
  if (issue.code === 'custom' && issue.params && typeof issue.params['code'] === 'string') {
    return { code: issue.params['code'], message: issue.message };
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    if (issue.type === 'string') {
      return {
        code: issue.code === 'too_small' ? 'BASE_TYPE_MIN_LENGTH' : 'BASE_TYPE_MAX_LENGTH',
        message: issue.code === 'too_small' ? `Must be ${bound} or more in length.` : `Must be ${bound} or fewer in length.`,
      };
    }
    if (issue.type === 'array') {
      return {
        code: issue.code === 'too_small' ? 'BASE_TYPE_MIN_LENGTH' : 'BASE_TYPE_MAX_LENGTH',
        message: issue.code === 'too_small' ? `Must be ${bound} or more in length.` : `Must be ${bound} or fewer in length.`,
      };
    }
    return {
      code: issue.code === 'too_small' ? 'NUMBER_TYPE_MIN' : 'NUMBER_TYPE_MAX',
      message: issue.code === 'too_small' ? `int value should be greater than or equal to ${bound}.` : `int value should be less than or equal to ${bound}.`,
    };
  }
  return { code: ISSUE_CODES[issue.code] ?? 'BASE_TYPE_INVALID', message: issue.message };
}

/** Turns zod issues into Discord's nested `errors` object. */
export function toFieldErrors(issues: readonly z.ZodIssue[]): FieldErrors {
  const root: FieldErrors = {};
  for (const issue of issues) {
    let node: FieldErrors = root;
    for (const segment of issue.path) {
      // Keys come from client input: never let one reach an object's prototype.
      const key = String(segment) === '__proto__' ? '_proto_' : String(segment);
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined || Array.isArray(next)) {
        const created: FieldErrors = {};
        node[key] = created;
        node = created;
      } else node = next;
    }
    (node._errors ??= []).push(issueToError(issue));
  }
  return root;
}

export function parseWith<S extends z.ZodTypeAny>(schema: S, value: unknown): ParseResult<z.output<S>> {
  const result: z.SafeParseReturnType<unknown, z.output<S>> = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toFieldErrors(result.error.issues) };
}

export { z };
