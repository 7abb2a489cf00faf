// The bodies of the 'voice' replica topic (cluster buses only). They come off the bus, so they are
// parsed here once, by VoiceNodesCluster (the topic's one subscriber), and a body that fails is
// dropped and counted. Two kinds share the topic: the voice node directory and the calls to a voice
// node held by another process (nodes, grant, update, revoke, event), and the replicated voice
// states themselves (state, leave, states), which VoiceNodesCluster hands to VoiceStateCluster.
import { z } from 'zod';
import { VoiceGrantPatchSchema, VoiceGrantSchema } from '../voice/control/controlMessages.ts';
import type { VoiceStateRecord } from './voiceState.ts';

const ID = z.string().min(1).max(100);

// The grant and its patch are the voice node control channel's own schemas (one shape, one check).
export { VoiceGrantSchema };
const GrantPatchSchema = VoiceGrantPatchSchema;

const VoiceNodeEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connected'), serverId: ID, userId: ID, sessionId: ID }),
  z.object({ type: z.literal('disconnected'), serverId: ID, userId: ID, sessionId: ID }),
  z.object({ type: z.literal('activity'), serverId: ID, userId: ID }),
]);

/** VOICE_SERVER_UPDATE as the holder of the voice node sends it once the grant is in place. */
const ServerUpdateSchema = z.object({ token: z.string().min(1).max(200), guild_id: ID.nullable(), channel_id: ID.optional(), endpoint: z.string().max(300).nullable() });

const VoiceStateRecordSchema = z.object({
  guildId: ID,
  channelId: ID,
  userId: ID,
  sessionId: ID,
  owner: z.enum(['gateway', 'rest']),
  selfMute: z.boolean(),
  selfDeaf: z.boolean(),
  selfVideo: z.boolean(),
  selfStream: z.boolean(),
  suppress: z.boolean(),
  grant: VoiceGrantSchema,
  nodeId: ID.nullable(),
  connected: z.boolean(),
  joinedAtMs: z.number(),
  lastActivityMs: z.number(),
  home: ID,
}) satisfies z.ZodType<VoiceStateRecord>;

export const VoiceReplicaSchema = z.discriminatedUnion('type', [
  /** The voice nodes the origin process holds (all of them: one missing is gone). */
  z.object({ type: z.literal('nodes'), nodes: z.array(z.object({ id: ID, endpoint: z.string().min(1).max(300) })).max(64) }),
  z.object({ type: z.literal('grant'), holder: ID, nodeId: ID, grant: VoiceGrantSchema, serverUpdate: ServerUpdateSchema.nullable() }),
  z.object({ type: z.literal('update'), holder: ID, nodeId: ID, serverId: ID, userId: ID, patch: GrantPatchSchema }),
  z.object({ type: z.literal('revoke'), holder: ID, nodeId: ID, serverId: ID, userId: ID }),
  /** A voice node's event about a state another process owns, sent to that process. */
  z.object({ type: z.literal('event'), to: ID, nodeId: ID, event: VoiceNodeEventSchema }),
  z.object({ type: z.literal('state'), state: VoiceStateRecordSchema }),
  z.object({ type: z.literal('leave'), guildId: ID, userId: ID }),
  /** Every state the origin owns, for a node that just joined: the origin's states not in it are gone. */
  z.object({ type: z.literal('states'), states: z.array(VoiceStateRecordSchema).max(200_000) }),
]);

export type VoiceReplica = z.infer<typeof VoiceReplicaSchema>;
export type VoiceStateReplica = Extract<VoiceReplica, { type: 'state' | 'leave' | 'states' }>;
export type VoiceServerUpdate = z.infer<typeof ServerUpdateSchema>;
