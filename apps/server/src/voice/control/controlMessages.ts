// The control link between the main server and a voice node process (`npm run voice`): JSON text
// frames on an internal WebSocket route of the main server, validated with these schemas on both
// ends. The node registers (id, endpoint), reports its load and the VoiceNodeEvents of its clients;
// the main server sends the VoiceNode calls (grant, update, revoke) the voice-state domain makes.
import { z } from 'zod';
import type { VoiceGrant, VoiceGrantPatch, VoiceNodeEvent } from '../VoiceNode.ts';

/** The route on the main server's HTTP port; it answers 404 unless VOICE_NODE_SECRET is set. */
export const VOICE_NODE_CONTROL_PATH = '/internal/voice-nodes';

/** A control frame larger than this closes the link (the largest real one, a grant, is < 1 KiB). */
export const VOICE_NODE_CONTROL_MAX_BYTES = 64 * 1024;

/** Close codes of the control link (4xxx: the main server's verdict on what the node sent). */
export const VoiceNodeControlCloseCode = {
  /** The main server is shutting down (the node reconnects with backoff). */
  GoingAway: 1001,
  UnknownError: 4000,
  /** Not JSON, binary, too large, or not a valid message. */
  DecodeError: 4001,
  /** The first message was not `register`. */
  NotRegistered: 4003,
  /** A second `register` on one link. */
  AlreadyRegistered: 4005,
  /** No `register` in time, or heartbeats (`load`) stopped. */
  TimedOut: 4009,
  /** Another live link holds this node id. */
  IdInUse: 4010,
} as const;

const Id = z.string().min(1).max(64);
const Secretish = z.string().min(1).max(256);

const GrantFields = {
  channelId: Id,
  mute: z.boolean(),
  deaf: z.boolean(),
  selfMute: z.boolean(),
  selfDeaf: z.boolean(),
  canSpeak: z.boolean(),
  useVad: z.boolean(),
  prioritySpeaker: z.boolean(),
  canStream: z.boolean(),
};

/** A grant as the voice node receives it (also what the cluster's 'voice' topic carries to the holder of a node). */
export const VoiceGrantSchema = z.object({ token: Secretish, serverId: Id, userId: Id, sessionId: Secretish, ...GrantFields }).strict();
export const VoiceGrantPatchSchema = z.object(GrantFields).partial().strict();

const VoiceNodeEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connected'), serverId: Id, userId: Id, sessionId: Secretish }).strict(),
  z.object({ type: z.literal('disconnected'), serverId: Id, userId: Id, sessionId: Secretish }).strict(),
  z.object({ type: z.literal('activity'), serverId: Id, userId: Id }).strict(),
]);

/** `host:port` or `[v6]:port`, as VOICE_SERVER_UPDATE carries it. */
const Endpoint = z
  .string()
  .max(300)
  .regex(/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/, 'must be host:port');

export const NodeToMainSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('register'), id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'), endpoint: Endpoint }).strict(),
  /** Connected voice clients; sent on every change and every heartbeat interval (it is the heartbeat). */
  z.object({ op: z.literal('load'), clients: z.number().int().min(0).max(10_000_000) }).strict(),
  z.object({ op: z.literal('event'), event: VoiceNodeEventSchema }).strict(),
]);

export const MainToNodeSchema = z.discriminatedUnion('op', [
  /** The answer to `register`: how often the node must send `load`. */
  z.object({ op: z.literal('ready'), heartbeatIntervalMs: z.number().int().min(10).max(600_000) }).strict(),
  z.object({ op: z.literal('grant'), grant: VoiceGrantSchema }).strict(),
  z.object({ op: z.literal('update'), serverId: Id, userId: Id, patch: VoiceGrantPatchSchema }).strict(),
  z.object({ op: z.literal('revoke'), serverId: Id, userId: Id }).strict(),
]);

export type NodeToMainMessage =
  | { op: 'register'; id: string; endpoint: string }
  | { op: 'load'; clients: number }
  | { op: 'event'; event: VoiceNodeEvent };

export type MainToNodeMessage =
  | { op: 'ready'; heartbeatIntervalMs: number }
  | { op: 'grant'; grant: VoiceGrant }
  | { op: 'update'; serverId: string; userId: string; patch: VoiceGrantPatch }
  | { op: 'revoke'; serverId: string; userId: string };

/** Parses one text frame; null when it is not JSON or not a valid message. */
export function parseNodeToMain(text: string): NodeToMainMessage | null {
  const parsed = NodeToMainSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

export function parseMainToNode(text: string): MainToNodeMessage | null {
  const parsed = MainToNodeSchema.safeParse(parseJson(text));
  if (!parsed.success) return null;
  const m = parsed.data;
  // zod's partial() types absent keys as `?: T | undefined`; the patch type has no undefined values.
  return m.op === 'update' ? { ...m, patch: definedOnly(m.patch) } : m;
}

function definedOnly(patch: z.infer<typeof VoiceGrantPatchSchema>): VoiceGrantPatch {
  const out: VoiceGrantPatch = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) Object.assign(out, { [k]: v });
  return out;
}

const NOT_JSON = Symbol('not json');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON; // fails every schema
  }
}
