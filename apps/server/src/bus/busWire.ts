// The bytes of one bus message between nodes. Compact JSON: dispatch payloads are already JSON
// shapes (ids and permissions as strings); state changes carry records with bigint bitfields,
// written as {"$bigint":"..."} and read back only for those messages (the reviver costs time,
// dispatches skip it). Every message read off the wire is checked here, once: a malformed one is
// dropped and counted, never thrown into the gateway.
import { isDispatchEventName, type DispatchEventName } from '@concord/protocol';
import { z } from 'zod';
import { REPLICA_TOPICS, type BusMessage, type Scope } from './EventBus.ts';
import { STATE_CHANGE_TYPES, type StateChange } from './StateChange.ts';

const SCOPE = /^[gcups]:[0-9A-Za-z_-]{1,80}$/;
const ID = z.string().min(1).max(80);

const ScopeSchema = z.custom<Scope>((v) => typeof v === 'string' && SCOPE.test(v), 'invalid scope');
const EventNameSchema = z.custom<DispatchEventName>((v) => typeof v === 'string' && isDispatchEventName(v), 'unknown event');

/**
 * A state change's shape is checked (its type, and that its records are objects); the records'
 * fields are what a peer node of the same build wrote to the shared metadata store a moment ago,
 * and the bus is the cluster's own (NATS/Redis credentials), so they are taken as that build's
 * records, like rows read back from the database.
 */
const StateChangeSchema = z.custom<StateChange>((v: unknown) => isStateChangeShape(v), 'invalid state change');

function isStateChangeShape(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || !('type' in v)) return false;
  const type: unknown = v.type;
  return typeof type === 'string' && (STATE_CHANGE_TYPES as readonly string[]).includes(type);
}

const BusMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dispatch'), scope: ScopeSchema, t: EventNameSchema, d: z.record(z.unknown()) }),
  z.object({ kind: z.literal('access'), userIds: z.array(ID).max(100_000) }),
  z.object({ kind: z.literal('guildAccess'), guildId: ID }),
  z.object({ kind: z.literal('disconnectUser'), userId: ID }),
  z.object({ kind: z.literal('stateChange'), origin: ID, change: StateChangeSchema }),
  z.object({ kind: z.literal('sessionMoved'), sessionId: ID, node: ID }),
  z.object({ kind: z.literal('replica'), origin: ID, topic: z.enum(REPLICA_TOPICS), body: z.unknown() }),
]);

const STATE_PREFIX = 'S';
const PLAIN_PREFIX = 'M';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeBusMessage(m: BusMessage): Uint8Array {
  if (m.kind === 'stateChange') return encoder.encode(STATE_PREFIX + JSON.stringify(m, bigintReplacer));
  return encoder.encode(PLAIN_PREFIX + JSON.stringify(m));
}

/** The message, or null when the bytes are not one (counted by the caller). */
export function decodeBusMessage(bytes: Uint8Array): BusMessage | null {
  const text = decoder.decode(bytes);
  let raw: unknown;
  try {
    if (text.startsWith(STATE_PREFIX)) raw = JSON.parse(text.slice(1), bigintReviver);
    else if (text.startsWith(PLAIN_PREFIX)) raw = JSON.parse(text.slice(1));
    else return null;
  } catch {
    return null;
  }
  const parsed = BusMessageSchema.safeParse(raw);
  if (!parsed.success) return null;
  // The schema checked `t` and `d` separately; the payload's fields are the map's contract between
  // nodes of one build (as toDispatchEvent takes a decoded frame's), so the pair is taken as typed.
  return parsed.data as BusMessage;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
}

function bigintReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$bigint' in value && typeof value.$bigint === 'string' && /^-?\d{1,40}$/.test(value.$bigint)) return BigInt(value.$bigint);
  return value;
}
