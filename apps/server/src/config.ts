// One typed config object, read from the environment once at start and validated; a bad value
// stops the process with a message that says which variable to fix.
import { z } from 'zod';
import path from 'node:path';
import { CASSANDRA_CONSISTENCIES, KEYSPACE_NAME, type CassandraOptions } from './store/cassandra/cassandraSettings.ts';

const bool = z
  .string()
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UWS_ALLOW_FALLBACK: bool,
  WORKER_ID: z.coerce.number().int().min(0).max(31).default(0),
  PROCESS_ID: z.coerce.number().int().min(0).max(31).default(0),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(25 * 1024 * 1024),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  WEB_ROOT: z.string().optional(),
  RESUME_WINDOW_MS: z.coerce.number().int().min(1000).default(180_000),
  REPLAY_BUFFER_EVENTS: z.coerce.number().int().min(100).default(50_000),
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  MAX_SOCKETS_PER_IP: z.coerce.number().int().min(1).default(100),
  IDENTIFY_TIMEOUT_MS: z.coerce.number().int().min(500).default(20_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  VOICE: z.enum(['on', 'off']).default('on'),
  VOICE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VOICE_HOST: z.string().min(1).optional(),
  VOICE_PUBLIC_HOST: z.string().min(1).optional(),
  VOICE_PUBLIC_IP: z.string().ip({ version: 'v4', message: 'must be an IPv4 address (voice clients do IP discovery over IPv4)' }).optional(),
  VOICE_UDP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VOICE_UDP_PORT_MAX: z.coerce.number().int().min(1).max(65535).optional(),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  VOICE_NODE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  VOICE_NODE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  INSTANCE_ADMINS: z.string().optional(),
  PREMIUM_SWEEP_MS: z.coerce.number().int().min(0).default(60_000),
  METADATA_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase identifier (a-z, 0-9, _)').optional(),
  CALL_RING_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  BUS: z.enum(['inprocess', 'nats', 'redis']).default('inprocess'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  CLUSTER_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only (names a NATS stream / Redis key prefix)').default('concord'),
  NODE_ID: z.coerce.number().int().min(0).max(1023).optional(),
  NODE_LEASE_TTL_MS: z.coerce.number().int().min(1000).default(15_000),
  RESUME_CATCH_UP_MS: z.coerce.number().int().min(0).default(2000),
  MESSAGE_STORE: z.enum(['sqlite', 'cassandra']).default('sqlite'),
  CASSANDRA_CONTACT_POINTS: z
    .string()
    .default('127.0.0.1:9042')
    .transform((v) => v.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
    .refine((points) => points.length > 0 && points.every((p) => /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:]+\](:\d{1,5})?$/.test(p)), 'comma-separated host or host:port entries (e.g. 127.0.0.1:9042)'),
  CASSANDRA_KEYSPACE: z.string().regex(KEYSPACE_NAME, 'a letter, then up to 47 letters, digits or _').default('concord'),
  CASSANDRA_LOCAL_DC: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a data center name such as datacenter1').default('datacenter1'),
  CASSANDRA_CONSISTENCY: z.enum(CASSANDRA_CONSISTENCIES).default('LOCAL_QUORUM'),
  CASSANDRA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).default(1),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string | null;
  logLevel: string;
  uwsAllowFallback: boolean;
  workerId: number;
  processId: number;
  maxUploadBytes: number;
  rateLimits: boolean;
  webRoot: string | null;
  resumeWindowMs: number;
  replayBufferEvents: number;
  sqliteSynchronous: 'normal' | 'full';
  /** Gateway sockets one address may hold open; more are refused at upgrade with 429. */
  maxSocketsPerIp: number;
  /** A gateway socket that has not sent IDENTIFY or RESUME by then is closed with 4009. */
  identifyTimeoutMs: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; when not, only loopback peers get it. */
  metricsToken: string | null;
  voice: VoiceConfig | null;
  /** Shared secret of the voice-node control route (/internal/voice-nodes); null: the route is 404. */
  voiceNodeSecret: string | null;
  /** How often voice node processes report their load; three missed reports unregister a node. */
  voiceNodeHeartbeatMs: number;
  /** User ids or usernames (INSTANCE_ADMINS, comma separated); empty: the first registered user is the instance admin. */
  instanceAdmins: string[];
  /** How often expired premium grants are revoked (0: only lazily, never swept). */
  premiumSweepMs: number;
  /** Where users, guilds, roles, channels, members and the other non-message records live. */
  metadataStore: MetadataStoreConfig;
  /** How long a DM call rings a recipient before it stops on its own. */
  callRingTimeoutMs: number;
  bus: BusConfig;
  /** Where messages, reactions and pins live. */
  messageStore: MessageStoreConfig;
}

/**
 * MESSAGE_STORE: the SQLite file under DATA_DIR (default), or Cassandra/ScyllaDB (CASSANDRA_*:
 * contact points, keyspace created when missing with CASSANDRA_REPLICATION_FACTOR replicas in
 * CASSANDRA_LOCAL_DC, CASSANDRA_CONSISTENCY for every read and write).
 */
export type MessageStoreConfig = { kind: 'sqlite' } | { kind: 'cassandra'; cassandra: CassandraOptions };

/** The event bus and this node's identity in a cluster (BUS=nats|redis). */
export interface BusConfig {
  kind: 'inprocess' | 'nats' | 'redis';
  natsUrl: string;
  redisUrl: string;
  /** Prefix of the bus stream, session and node-id keys: nodes with the same name form one cluster. */
  cluster: string;
  /** NODE_ID (0..1023: snowflake worker = id >> 5, process = id & 31); null: leased from NATS/Redis (cluster) or WORKER_ID/PROCESS_ID. */
  nodeId: number | null;
  nodeLeaseTtlMs: number;
  /** How long a RESUME on a node that lags the client's seq waits for its bus to catch up. */
  resumeCatchUpMs: number;
}

/** METADATA_STORE: the one SQLite file under DATA_DIR (default), or PostgreSQL for several nodes. */
export type MetadataStoreConfig =
  | { kind: 'sqlite' }
  | {
      kind: 'postgres';
      /** DATABASE_URL (may hold a password: log it only through redactDatabaseUrl). */
      url: string;
      /** DATABASE_POOL_SIZE: connections this process keeps open at most. */
      poolSize: number;
      /** DATABASE_SCHEMA: the tables' schema, created when missing; null: the server's default (public). */
      schema: string | null;
    };

/** The voice node (TLS voice gateway + UDP media) that `npm start` runs next to the main server. */
export interface VoiceConfig {
  /** TLS voice gateway port (0 = any free port); default 8443, or 0 when PORT is 0. */
  port: number;
  /** Address the voice gateway and UDP socket bind to. */
  host: string;
  /** Host name clients dial (`wss://<publicHost>:<port>`): VOICE_SERVER_UPDATE's endpoint. */
  publicHost: string;
  /** IPv4 address READY announces for UDP (set it behind NAT). */
  publicIp: string;
  /** UDP media port (0 = any; default 50000, or 0 when PORT is 0); with udpPortMax a range (for WebRTC later). */
  udpPort: number;
  udpPortMax: number | null;
  /** PEM files; when absent a self-signed certificate is made once under DATA_DIR/voice-tls. */
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration in the environment:\n${lines}`);
  }
  const c = parsed.data;
  if ((c.TLS_CERT_FILE === undefined) !== (c.TLS_KEY_FILE === undefined)) throw new Error('Invalid configuration in the environment:\n  TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  // PORT=0 (any free port, as tests and parallel instances use) makes the voice ports default to any free port too.
  const voicePort = c.VOICE_PORT ?? (c.PORT === 0 ? 0 : 8443);
  const voiceUdpPort = c.VOICE_UDP_PORT ?? (c.PORT === 0 ? 0 : 50000);
  if (c.VOICE_UDP_PORT_MAX !== undefined && c.VOICE_UDP_PORT_MAX < voiceUdpPort) throw new Error('Invalid configuration in the environment:\n  VOICE_UDP_PORT_MAX: must not be below VOICE_UDP_PORT');
  if (c.METADATA_STORE === 'postgres' && c.DATABASE_URL === undefined) throw new Error('Invalid configuration in the environment:\n  DATABASE_URL: required with METADATA_STORE=postgres (e.g. postgres://concord@127.0.0.1:5432/concord)');
  const loopbackHost = c.HOST === '127.0.0.1' || c.HOST === 'localhost' || c.HOST === '::1';
  const wildcardHost = c.HOST === '0.0.0.0' || c.HOST === '::';
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.DATA_DIR),
    publicUrl: c.PUBLIC_URL ?? null,
    logLevel: c.LOG_LEVEL,
    uwsAllowFallback: c.UWS_ALLOW_FALLBACK,
    workerId: c.NODE_ID === undefined ? c.WORKER_ID : c.NODE_ID >> 5,
    processId: c.NODE_ID === undefined ? c.PROCESS_ID : c.NODE_ID & 31,
    maxUploadBytes: c.MAX_UPLOAD_BYTES,
    rateLimits: c.RATE_LIMITS === 'on',
    webRoot: c.WEB_ROOT ?? null,
    resumeWindowMs: c.RESUME_WINDOW_MS,
    replayBufferEvents: c.REPLAY_BUFFER_EVENTS,
    sqliteSynchronous: c.SQLITE_SYNCHRONOUS,
    maxSocketsPerIp: c.MAX_SOCKETS_PER_IP,
    identifyTimeoutMs: c.IDENTIFY_TIMEOUT_MS,
    metricsToken: c.METRICS_TOKEN ?? null,
    voice:
      c.VOICE === 'off'
        ? null
        : {
            port: voicePort,
            host: c.VOICE_HOST ?? c.HOST,
            publicHost: c.VOICE_PUBLIC_HOST ?? (loopbackHost || wildcardHost ? 'localhost' : c.HOST),
            publicIp: c.VOICE_PUBLIC_IP ?? (loopbackHost || wildcardHost || !isIpv4(c.HOST) ? '127.0.0.1' : c.HOST),
            udpPort: voiceUdpPort,
            udpPortMax: c.VOICE_UDP_PORT_MAX ?? null,
            tlsCertFile: c.TLS_CERT_FILE ?? null,
            tlsKeyFile: c.TLS_KEY_FILE ?? null,
          },
    voiceNodeSecret: c.VOICE_NODE_SECRET ?? null,
    voiceNodeHeartbeatMs: c.VOICE_NODE_HEARTBEAT_MS,
    instanceAdmins: (c.INSTANCE_ADMINS ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    premiumSweepMs: c.PREMIUM_SWEEP_MS,
    metadataStore:
      c.METADATA_STORE === 'postgres' && c.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: c.DATABASE_URL, poolSize: c.DATABASE_POOL_SIZE, schema: c.DATABASE_SCHEMA ?? null }
        : { kind: 'sqlite' },
    callRingTimeoutMs: c.CALL_RING_TIMEOUT_MS,
    bus: {
      kind: c.BUS,
      natsUrl: c.NATS_URL,
      redisUrl: c.REDIS_URL,
      cluster: c.CLUSTER_NAME,
      nodeId: c.NODE_ID ?? null,
      nodeLeaseTtlMs: c.NODE_LEASE_TTL_MS,
      resumeCatchUpMs: c.RESUME_CATCH_UP_MS,
    },
    messageStore:
      c.MESSAGE_STORE === 'cassandra'
        ? {
            kind: 'cassandra',
            cassandra: {
              contactPoints: c.CASSANDRA_CONTACT_POINTS,
              keyspace: c.CASSANDRA_KEYSPACE,
              localDataCenter: c.CASSANDRA_LOCAL_DC,
              consistency: c.CASSANDRA_CONSISTENCY,
              replicationFactor: c.CASSANDRA_REPLICATION_FACTOR,
            },
          }
        : { kind: 'sqlite' },
  };
}

function isIpv4(host: string): boolean {
  return z.string().ip({ version: 'v4' }).safeParse(host).success;
}
