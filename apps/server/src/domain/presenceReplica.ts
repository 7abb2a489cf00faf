// The 'presence' replica topic (cluster buses): what a node tells the others about the presences of
// the gateway sessions it holds. `set` carries whole session presences (one change, or all of a
// node's sessions for a newcomer), `remove` the sessions that ended or detached there. The body
// comes off the wire: it is parsed here, once, and a body that fails is dropped whole.
import type { APIActivity, PresenceStatus } from '@concord/protocol';
import { z } from 'zod';

export type PresenceClient = 'desktop' | 'web' | 'mobile';

/** One session's presence as its node announces it; `at` orders equally present sessions the same on every node. */
export interface ReplicatedSessionPresence {
  userId: string;
  sessionId: string;
  status: PresenceStatus;
  activities: APIActivity[];
  client: PresenceClient;
  at: number;
}

/**
 * `moved`: the sessions resumed on the sender from another node, and whether the sender told the
 * guilds ('announced') or saw no change ('silent': it still held them from the old node). A node
 * that had already dropped them with a dead node, whose leader said they went offline, sees them
 * come back; after a 'silent' move its leader says so.
 */
export type PresenceReplicaBody = { op: 'set'; sessions: ReplicatedSessionPresence[]; moved?: 'announced' | 'silent' | undefined } | { op: 'remove'; sessions: { userId: string; sessionId: string }[] };

/** A `set` body stays well under the bus's message limit (NATS: 1 MB) however many sessions a node announces. */
export const MAX_SET_BODY_CHARS = 256 * 1024;
const MAX_SESSIONS_PER_BODY = 10_000;

const snowflake = z.string().regex(/^\d{1,20}$/);
const sessionId = z.string().min(1).max(80);
const timestampMs = z.number().int().min(0).max(8_640_000_000_000_000);
const text = (max: number) => z.string().max(max);
const count = z.number().int().min(0).max(1_000_000);

/**
 * An activity as others see it (publicActivity's output, not the op 3 input: buttons are labels,
 * their URLs in metadata). Strict: a key the build does not write is a body it did not write.
 */
const PublicActivityShape = z
  .object({
    name: z.string().min(1).max(128),
    type: z.number().int().min(0).max(6),
    url: text(512).nullable().optional(),
    created_at: timestampMs.optional(),
    timestamps: z.object({ start: timestampMs.optional(), end: timestampMs.optional() }).strict().optional(),
    application_id: snowflake.optional(),
    details: text(128).nullable().optional(),
    state: text(128).nullable().optional(),
    emoji: z.object({ name: z.string().min(1).max(64), id: snowflake.optional(), animated: z.boolean().optional() }).strict().optional(),
    assets: z.object({ large_image: text(256).optional(), large_text: text(128).optional(), small_image: text(256).optional(), small_text: text(128).optional() }).strict().optional(),
    party: z.object({ id: text(128).optional(), size: z.tuple([count, count]).optional() }).strict().optional(),
    instance: z.boolean().optional(),
    flags: z.number().int().min(0).max(0xffff).optional(),
    buttons: z.array(z.string().min(1).max(32)).max(2).optional(),
    metadata: z.object({ button_urls: z.array(text(512)).max(2) }).strict().optional(),
  })
  .strict();
// JSON has no `undefined`, so an object that passes the strict shape is an APIActivity as written
// (zod's own output type would widen every optional field with `| undefined`).
const PublicActivity = z.custom<APIActivity>((v) => PublicActivityShape.safeParse(v).success, 'invalid activity');

const SessionPresenceSchema = z
  .object({
    userId: snowflake,
    sessionId,
    status: z.enum(['online', 'idle', 'dnd', 'invisible', 'offline']),
    activities: z.array(PublicActivity).max(5),
    client: z.enum(['desktop', 'web', 'mobile']),
    at: timestampMs,
  })
  .strict();

const PresenceReplicaBodySchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), sessions: z.array(SessionPresenceSchema).min(1).max(MAX_SESSIONS_PER_BODY), moved: z.enum(['announced', 'silent']).optional() }).strict(),
  z.object({ op: z.literal('remove'), sessions: z.array(z.object({ userId: snowflake, sessionId }).strict()).min(1).max(MAX_SESSIONS_PER_BODY) }).strict(),
]);

/** The body, or null when it is not one this build writes (the caller counts it). */
export function parsePresenceReplica(body: unknown): PresenceReplicaBody | null {
  const parsed = PresenceReplicaBodySchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/** A node's sessions as `set` bodies, each under MAX_SET_BODY_CHARS of JSON. */
export function setBodies(sessions: Iterable<ReplicatedSessionPresence>): PresenceReplicaBody[] {
  const bodies: PresenceReplicaBody[] = [];
  let batch: ReplicatedSessionPresence[] = [];
  let chars = 0;
  for (const s of sessions) {
    const size = JSON.stringify(s).length + 1;
    if (batch.length > 0 && (chars + size > MAX_SET_BODY_CHARS || batch.length >= MAX_SESSIONS_PER_BODY)) {
      bodies.push({ op: 'set', sessions: batch });
      batch = [];
      chars = 0;
    }
    batch.push(s);
    chars += size;
  }
  if (batch.length > 0) bodies.push({ op: 'set', sessions: batch });
  return bodies;
}
