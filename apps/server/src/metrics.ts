// Prometheus metrics (GET /metrics). One registry per server instance so tests can run several.
import client from 'prom-client';
import type { BusStats } from './bus/OrderedLogBus.ts';

export class Metrics {
  readonly registry = new client.Registry();
  readonly sessions = new client.Gauge({ name: 'concord_gateway_sessions', help: 'Gateway sessions with an open socket', registers: [this.registry], labelNames: ['encoding'] });
  readonly detachedSessions = new client.Gauge({ name: 'concord_gateway_detached_sessions', help: 'Sessions waiting to be resumed', registers: [this.registry] });
  readonly eventsDispatched = new client.Counter({ name: 'concord_gateway_events_dispatched_total', help: 'Dispatch events published (once per event, not per recipient)', registers: [this.registry], labelNames: ['event'] });
  readonly deliveries = new client.Counter({ name: 'concord_gateway_deliveries_total', help: 'Dispatch frames delivered to sessions', registers: [this.registry] });
  readonly gatewayCloses = new client.Counter({ name: 'concord_gateway_closes_total', help: 'Sessions closed by the server, by close code', registers: [this.registry], labelNames: ['code'] });
  readonly decodeErrors = new client.Counter({ name: 'concord_gateway_decode_errors_total', help: 'Inbound frames that failed to decode', registers: [this.registry] });
  readonly resumes = new client.Counter({ name: 'concord_gateway_resumes_total', help: 'RESUME attempts by outcome', registers: [this.registry], labelNames: ['outcome'] });
  readonly httpDuration = new client.Histogram({
    name: 'concord_http_request_duration_seconds',
    help: 'REST request latency by route and status',
    registers: [this.registry],
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  readonly encodeErrors = new client.Counter({ name: 'concord_gateway_encode_errors_total', help: 'Dispatch events an encoding could not encode (the event is dropped for everyone)', registers: [this.registry], labelNames: ['encoding', 'event'] });
  readonly refusedSockets = new client.Counter({ name: 'concord_gateway_refused_sockets_total', help: 'WebSocket upgrades refused, by reason', registers: [this.registry], labelNames: ['reason'] });
  readonly voiceStateRefusals = new client.Counter({ name: 'concord_gateway_voice_state_refusals_total', help: 'Gateway op 4 requests ignored (no CONNECT, full channel, unknown guild, ...), by reason', registers: [this.registry], labelNames: ['reason'] });
  readonly handlerErrors = new client.Counter({ name: 'concord_unexpected_errors_total', help: 'Unexpected errors caught at a boundary', registers: [this.registry], labelNames: ['where'] });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  /** Auto-moderation messages whose regex patterns ran out of their step budget (counted by AutoModService). */
  countAutoModBudgetExhausted(read: () => number): void {
    this.countAtScrape(
      'concord_automod_pattern_budget_exhausted_total',
      'Messages whose auto-moderation regex patterns ran out of their linear-time step budget (remaining patterns counted as no match)',
      [],
      () => [[{}, read()]],
    );
  }

  /**
   * What the cluster replicas did with what came off the bus (cluster only: every source exists
   * when `ctx.cluster` does). The services keep the numbers; a scrape reads them.
   */
  countReplicas(from: ReplicaCounterSources): void {
    this.countAtScrape(
      'concord_replica_messages_total',
      'Replica bus messages by topic and outcome: applied, malformed (failed the schema, dropped) or dead_origin (from a node not alive, dropped)',
      ['topic', 'outcome'],
      () => {
        const presence = from.presence.replicaStats;
        return [
          [{ topic: 'presence', outcome: 'applied' }, presence.applied],
          [{ topic: 'presence', outcome: 'malformed' }, presence.malformed],
          [{ topic: 'presence', outcome: 'dead_origin' }, presence.fromDeadNode],
          [{ topic: 'voice', outcome: 'malformed' }, from.voiceStates.cluster?.nodes.malformed ?? 0],
          [{ topic: 'call', outcome: 'malformed' }, from.calls.replicaMalformed ?? 0],
          [{ topic: 'invalidate', outcome: 'malformed' }, from.caches.dropped],
          [{ topic: 'interaction', outcome: 'malformed' }, from.interactions.forwarderStats?.dropped ?? 0],
          [{ topic: 'state', outcome: 'applied' }, from.replicator.applied],
          [{ topic: 'node', outcome: 'malformed' }, from.nodes.malformed],
        ];
      },
    );
    this.countAtScrape(
      'concord_replica_state_rereads_total',
      'Metadata records two nodes wrote at once, re-read from the store: contested (reads started), applied, superseded (changed again during the read), failed',
      ['outcome'],
      () => Object.entries(from.replicator.reread).map(([outcome, n]) => [{ outcome }, n]),
    );
    this.countAtScrape(
      'concord_replica_cache_reloads_total',
      'Service cache records reloaded after another node wrote them (reloaded), and reloads that failed for good (failed)',
      ['outcome'],
      () => [
        [{ outcome: 'reloaded' }, from.caches.reloaded],
        [{ outcome: 'failed' }, from.caches.failed],
      ],
    );
    this.countAtScrape(
      'concord_replica_interaction_calls_total',
      'Interaction calls sent to the node holding the interaction (forwarded) and served here for another node (served)',
      ['direction'],
      () => {
        const stats = from.interactions.forwarderStats;
        return [
          [{ direction: 'forwarded' }, stats?.forwarded ?? 0],
          [{ direction: 'served' }, stats?.served ?? 0],
        ];
      },
    );
  }

  /** The cluster bus's own log traffic (OrderedLogBus stats): what it appended and read, and what it could not. */
  countBus(stats: BusStats): void {
    this.countAtScrape(
      'concord_bus_messages_total',
      'Cluster bus log entries by outcome: published, publish_errors, delivered, malformed (not a bus message, dropped), handler_errors (a subscriber threw)',
      ['outcome'],
      () => [
        [{ outcome: 'published' }, stats.published],
        [{ outcome: 'publish_errors' }, stats.publishErrors],
        [{ outcome: 'delivered' }, stats.delivered],
        [{ outcome: 'malformed' }, stats.malformed],
        [{ outcome: 'handler_errors' }, stats.handlerErrors],
      ],
    );
  }

  /** A counter whose values its owner keeps: reset and read at every scrape (`[labels, value]` per series). */
  private countAtScrape(name: string, help: string, labelNames: string[], read: () => [Record<string, string>, number][]): void {
    new client.Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });
  }
}

/** The counters `countReplicas` reads, as the services expose them. */
export interface ReplicaCounterSources {
  presence: { replicaStats: { applied: number; malformed: number; fromDeadNode: number } };
  voiceStates: { cluster: { nodes: { malformed: number } } | null };
  calls: { replicaMalformed: number | null };
  caches: { dropped: number; reloaded: number; failed: number };
  interactions: { forwarderStats: { dropped: number; forwarded: number; served: number } | null };
  replicator: { applied: number; reread: Record<string, number> };
  nodes: { malformed: number };
}
