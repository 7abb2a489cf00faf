// Fan-out: every dispatch gets one process-wide sequence number and is encoded once per encoding,
// then published to the uWS topic `<encoding>:<scope>`; uWS writes the same bytes to every
// subscriber. Sessions that need per-recipient frames (bots with intents or MESSAGE_CONTENT
// filtering, zlib-stream compression) are served one by one from the SubscriptionIndex. Recent
// dispatches go into the ReplayBuffer so RESUME replays exactly what a session missed.
// On a cluster bus (`sequenced`) the number is the bus position instead, the same on every node,
// and every node keeps every event in its buffer, so a session can resume on any node.
import { jsonCodec, binaryCodec, type DispatchEvent, type DispatchEventName, type DispatchPayloads, type GatewayPayload } from '@concord/protocol';
import type { TemplatedApp } from 'uWebSockets.js';
import type { Metrics } from '../metrics.ts';
import { filterDispatch, WITHHELD } from './dispatchFilter.ts';
import type { GatewaySession } from './GatewaySession.ts';
import type { BufferedEvent, ReplayBuffer } from './ReplayBuffer.ts';
import type { SocketWriter } from './SocketWriter.ts';
import type { SubscriptionIndex } from './SubscriptionIndex.ts';

const CODECS = [jsonCodec, binaryCodec] as const;

export class FanOut {
  private seq = 0;
  private app: TemplatedApp | null = null;

  constructor(
    private readonly writer: SocketWriter,
    private readonly subscriptions: SubscriptionIndex,
    private readonly replay: ReplayBuffer,
    private readonly metrics: Metrics,
    /** Number dispatches by their bus position (cluster buses), not by a counter of this process. */
    private readonly sequenced = false,
  ) {}

  attach(app: TemplatedApp): void {
    this.app = app;
  }

  /** Publishes one event to a scope: encoded once per encoding (both, before anyone gets it), shared by all recipients. */
  dispatchToScope(scope: string, event: DispatchEvent, position = 0): void {
    const app = this.app;
    if (!app) return;
    const { t, d } = event;
    const seq = this.nextSeq(position);
    // On a cluster bus every node reads every event: one no session here receives is only kept for
    // a RESUME (which encodes per session anyway), not encoded twice for nobody.
    if (this.sequenced && !this.hasLocalRecipients(app, scope)) {
      this.replay.push({ seq, scope, t, d, atMs: Date.now() });
      return;
    }
    // Every encoding encodes the event before anyone gets it: an event one encoding cannot carry
    // (too deep for the binary codec, a BigInt for JSON) is dropped for everyone and never enters
    // the replay buffer, so no recipient or RESUME sees what another could not.
    const frames: (string | Uint8Array)[] = [];
    for (const codec of CODECS) {
      const frame = this.writer.tryEncode(codec, { op: 0, t, d, s: seq });
      if (frame === null) return;
      frames.push(frame);
    }
    this.replay.push({ seq, scope, t, d, atMs: Date.now() });
    this.metrics.eventsDispatched.inc({ event: t });
    let delivered = 0;
    for (const [i, codec] of CODECS.entries()) {
      const topic = `${codec.encoding}:${scope}`;
      const n = app.numSubscribers(topic);
      if (n === 0) continue;
      app.publish(topic, frames[i]!, codec.binaryFrames);
      delivered += n;
    }
    const perSession = this.subscriptions.perSessionSubscribers(scope);
    if (perSession) for (const s of perSession) if (this.sendFiltered(s, seq, t, d)) delivered++;
    if (delivered > 0) this.metrics.deliveries.inc(delivered);
  }

  /**
   * A bus event for one session (scope `s:<session id>`, e.g. VOICE_SERVER_UPDATE): numbered in the
   * shared sequence and kept for RESUME like any scoped event, filtered by intents for bots.
   */
  dispatchToSession(s: GatewaySession, scope: string, event: DispatchEvent, position = 0): void {
    const seq = this.nextSeq(position);
    this.replay.push({ seq, scope, t: event.t, d: event.d, atMs: Date.now() });
    this.metrics.eventsDispatched.inc({ event: event.t });
    if (s.perSessionDelivery) {
      if (this.sendFiltered(s, seq, event.t, event.d)) this.metrics.deliveries.inc(1);
    } else if (s.ws) {
      this.sendToSession(s, { op: 0, t: event.t, d: event.d, s: seq });
      this.metrics.deliveries.inc(1);
    }
  }

  /**
   * A session event of another node's session (scope `s:<id>`): only kept for RESUME, so the
   * session can resume here with it.
   */
  rememberForSession(scope: string, event: DispatchEvent, position: number): void {
    this.replay.push({ seq: this.nextSeq(position), scope, t: event.t, d: event.d, atMs: Date.now() });
  }

  /**
   * An event for one session only (READY, GUILD_CREATE for bots, RESUMED, member chunks), with its
   * own sequence number; on a cluster bus, the current position (a RESUME from it replays what follows).
   */
  sendDirect<T extends DispatchEventName>(s: GatewaySession, t: T, d: DispatchPayloads[T]): void {
    this.sendToSession(s, { op: 0, t, d, s: this.sequenced ? this.seq : ++this.seq });
  }

  private hasLocalRecipients(app: TemplatedApp, scope: string): boolean {
    for (const codec of CODECS) if (app.numSubscribers(`${codec.encoding}:${scope}`) > 0) return true;
    const perSession = this.subscriptions.perSessionSubscribers(scope);
    return perSession !== undefined && perSession.size > 0;
  }

  private nextSeq(position: number): number {
    if (!this.sequenced) return ++this.seq;
    // Events the gateway makes itself while handling a bus message (channels gained after an
    // access change) share that message's position: every node makes the same ones.
    if (position > this.seq) this.seq = position;
    return this.seq;
  }

  /** Replays buffered events to a resumed session, filtered as live delivery would have been. */
  replayTo(s: GatewaySession, events: readonly BufferedEvent[]): void {
    for (const e of events) {
      if (s.perSessionDelivery) this.sendFiltered(s, e.seq, e.t, e.d);
      else this.sendToSession(s, { op: 0, t: e.t, d: e.d, s: e.seq });
    }
  }

  /** Intents, shard and MESSAGE_CONTENT rules for sessions served one by one. Returns whether sent. */
  private sendFiltered(s: GatewaySession, seq: number, t: DispatchEventName, d: unknown): boolean {
    if (!s.ws) return false;
    const out = filterDispatch(s, t, d);
    if (out === WITHHELD) return false;
    this.sendToSession(s, { op: 0, t, d: out, s: seq });
    return true;
  }

  private sendToSession(s: GatewaySession, payload: GatewayPayload): void {
    const ws = s.ws;
    if (ws) this.writer.send(ws, payload);
  }
}
