// What crosses the local RPC socket, parsed once here: the handshake, command envelopes and
// SET_ACTIVITY's arguments with Discord's limits (details, state, image texts 2-128 characters, two
// buttons at most, label 1-32 and url 1-512, types 0/2/3/5, timestamps in seconds or milliseconds),
// plus Discord's close and error codes.
import { ActivitySchema, snowflakeSchema, type ActivityInput } from '@concord/protocol';
import { z, type ZodIssue } from 'zod';

/** Discord's RPC close event codes, plus the one for an undecodable frame. */
export const RpcCloseCode = {
  Normal: 1000,
  /** Discord's table has no row for a malformed frame; its RPC error code for one is 4000 (invalid payload). */
  InvalidPayload: 4000,
  InvalidClientId: 4000,
  InvalidOrigin: 4001,
  RateLimited: 4002,
  /** Discord's TOKEN_REVOKED; here: the account signed in changed, so the game's READY is stale. */
  TokenRevoked: 4003,
  InvalidVersion: 4004,
  InvalidEncoding: 4005,
} as const;

/** Discord's RPC error codes, sent as `evt: 'ERROR'` with `data: {code, message}`. */
export const RpcErrorCode = { UnknownError: 1000, InvalidPayload: 4000, InvalidCommand: 4002 } as const;

export const HandshakeSchema = z.object({ v: z.coerce.number(), client_id: z.string() });

export const CommandSchema = z.object({
  cmd: z.string().min(1).max(64),
  nonce: z.string().max(128).nullable().optional(),
  args: z.unknown().optional(),
  evt: z.string().max(64).nullable().optional(),
});
export type RpcCommand = z.infer<typeof CommandSchema>;

export function isClientId(value: string): boolean {
  return snowflakeSchema.safeParse(value).success;
}

const text = z.string().min(2).max(128);
/** Seconds (what the Game SDK sends) or milliseconds (what the npm clients send), as milliseconds. */
const timestamp = z
  .number()
  .int()
  .nonnegative()
  .transform((v) => (v < 100_000_000_000 ? v * 1000 : v))
  .pipe(z.number().max(8_640_000_000_000_000));

const RpcActivitySchema = z.object({
  /** Used only when the client id is not an application on the server. */
  name: z.string().min(1).max(128).optional(),
  type: z.union([z.literal(0), z.literal(2), z.literal(3), z.literal(5)]).optional(),
  state: text.optional(),
  details: text.optional(),
  timestamps: z.object({ start: timestamp.optional(), end: timestamp.optional() }).optional(),
  assets: z.object({ large_image: z.string().min(1).max(256).optional(), large_text: text.optional(), small_image: z.string().min(1).max(256).optional(), small_text: text.optional() }).optional(),
  party: z.object({ id: z.string().min(1).max(128).optional(), size: z.tuple([z.number().int().min(1), z.number().int().min(1)]).refine(([size, max]) => size <= max, 'size must not exceed max').optional() }).optional(),
  secrets: z.object({ join: z.string().max(128).optional(), spectate: z.string().max(128).optional(), match: z.string().max(128).optional() }).optional(),
  buttons: z.array(z.object({ label: z.string().min(1).max(32), url: z.string().min(1).max(512).url().refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL') })).max(2).optional(),
  instance: z.boolean().optional(),
});

export const SetActivityArgsSchema = z.object({
  pid: z.number().int().nonnegative().optional(),
  activity: RpcActivitySchema.nullable().optional(),
});
export type SetActivityArgs = z.infer<typeof SetActivityArgsSchema>;
type RpcActivity = z.infer<typeof RpcActivitySchema>;

/** Discord-like text for a refused field: `child "activity" fails because [child "details" fails because [...]]`. */
export function describeIssue(issue: ZodIssue | undefined): string {
  if (!issue) return 'Invalid payload';
  const path = issue.path.map(String);
  let message = `"${path.at(-1) ?? 'args'}" ${issue.message.toLowerCase()}`;
  for (let i = path.length - 1; i >= 0; i--) message = `child "${path[i]!}" fails because [${message}]`;
  return message;
}

/**
 * The gateway activity for a game's SET_ACTIVITY: named after its application, application_id =
 * client id, buttons as {label, url} (the server turns them into labels plus metadata.button_urls).
 * Returns null when the result would not pass the server's own activity schema (the gateway would
 * close the session over it), so the caller answers the game with an error instead.
 */
export function toGatewayActivity(activity: RpcActivity, clientId: string, applicationName: string | null, nowMs: number): ActivityInput | null {
  const candidate = {
    name: applicationName ?? activity.name ?? 'Unknown Game',
    type: activity.type ?? 0,
    application_id: clientId,
    created_at: nowMs,
    ...(activity.state === undefined ? {} : { state: activity.state }),
    ...(activity.details === undefined ? {} : { details: activity.details }),
    ...(activity.timestamps === undefined ? {} : { timestamps: activity.timestamps }),
    ...(activity.assets === undefined ? {} : { assets: activity.assets }),
    ...(activity.party === undefined ? {} : { party: activity.party }),
    ...(activity.buttons === undefined || activity.buttons.length === 0 ? {} : { buttons: activity.buttons }),
    ...(activity.instance === undefined ? {} : { instance: activity.instance }),
  };
  const parsed = ActivitySchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
