// Prometheus metrics (GET /metrics). One registry per server instance so tests can run several.
import client from 'prom-client';

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
    new client.Counter({
      name: 'concord_automod_pattern_budget_exhausted_total',
      help: 'Messages whose auto-moderation regex patterns ran out of their linear-time step budget (remaining patterns counted as no match)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }
}
