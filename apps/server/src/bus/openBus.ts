// Builds what BUS= asks for: the in-process bus, or a cluster bus on NATS or Redis with this
// node's session directory and node id (NODE_ID, else a lease). The composition root starts it
// once every subscriber is in place and closes it last.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { BusConfig } from '../config.ts';
import type { EventBus } from './EventBus.ts';
import { InProcessEventBus } from './InProcessEventBus.ts';
import { NatsEventBus } from './NatsEventBus.ts';
import { NatsNodeIdLease, RedisNodeIdLease, snowflakeBits, type NodeIdLease } from './NodeIdLease.ts';
import type { BusErrorHandler } from './OrderedLogBus.ts';
import { RedisEventBus } from './RedisEventBus.ts';
import { NatsSessionDirectory, RedisSessionDirectory, type SessionDirectory } from './SessionDirectory.ts';

export interface OpenedBus {
  bus: EventBus;
  /** Cluster buses only. */
  sessions: SessionDirectory | null;
  /** This process's name on the bus (sessionMoved). */
  node: string;
  /** The node id from NODE_ID or the lease; null in-process without NODE_ID (WORKER_ID/PROCESS_ID apply). */
  nodeId: number | null;
  /** Begins reading the bus log (cluster buses); before it, nothing is delivered. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenBusOptions {
  retentionMs: number;
  maxMessages: number;
  log: Logger;
  /** The node id lease is lost: the process must stop minting ids. */
  onLeaseLost: (reason: string) => void;
}

export async function openBus(config: BusConfig, options: OpenBusOptions): Promise<OpenedBus> {
  const node = crypto.randomBytes(8).toString('hex');
  const { log } = options;
  let lastErrorLogMs = 0;
  let suppressed = 0;
  // Transport trouble is counted by the bus (stats) and logged at most once a second here.
  const onError: BusErrorHandler = (where, error) => {
    const now = Date.now();
    if (now - lastErrorLogMs < 1000) {
      suppressed++;
      return;
    }
    log.error({ err: error, where, suppressedSinceLast: suppressed }, `bus ${where} failed`);
    lastErrorLogMs = now;
    suppressed = 0;
  };
  if (config.kind === 'inprocess') {
    const bus = new InProcessEventBus();
    return { bus, sessions: null, node, nodeId: config.nodeId, start: () => Promise.resolve(), close: () => bus.close() };
  }
  const leaseOptions = { cluster: config.cluster, ttlMs: config.nodeLeaseTtlMs, onLost: options.onLeaseLost };
  if (config.kind === 'nats') {
    const bus = await NatsEventBus.connect({ url: config.natsUrl, cluster: config.cluster, retentionMs: options.retentionMs, maxMessages: options.maxMessages, onError });
    const sessions = await NatsSessionDirectory.open(bus.nc, config.cluster, (e) => onError('publish', e));
    const lease: NodeIdLease | null = config.nodeId === null ? await NatsNodeIdLease.acquire(bus.nc, leaseOptions) : null;
    return opened(bus, sessions, node, config.nodeId ?? lease!.nodeId, lease, log);
  }
  const bus = await RedisEventBus.connect({ url: config.redisUrl, cluster: config.cluster, maxMessages: options.maxMessages, onError });
  const sessions = new RedisSessionDirectory(bus.redis, config.cluster, (e) => onError('publish', e));
  const lease: NodeIdLease | null = config.nodeId === null ? await RedisNodeIdLease.acquire(bus.redis, leaseOptions) : null;
  return opened(bus, sessions, node, config.nodeId ?? lease!.nodeId, lease, log);
}

function opened(bus: NatsEventBus | RedisEventBus, sessions: SessionDirectory, node: string, nodeId: number, lease: NodeIdLease | null, log: Logger): OpenedBus {
  log.info({ nodeId, ...snowflakeBits(nodeId), leased: lease !== null }, `cluster node id ${nodeId}`);
  return {
    bus,
    sessions,
    node,
    nodeId,
    start: () => bus.start(),
    async close() {
      await lease?.close();
      await bus.close();
    },
  };
}
