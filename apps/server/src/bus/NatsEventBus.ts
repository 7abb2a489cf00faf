// The bus on NATS JetStream: one in-memory stream `<cluster>_bus` over `<cluster>.bus.>`; a message
// to scope g:123 is published (core publish: buffered, never waits) on `<cluster>.bus.g.123`,
// other kinds on `<cluster>.bus.x.<kind>`. Each node reads the whole stream with an ordered
// consumer, so the stream sequence is the message's position on every node. The stream keeps the
// last RESUME window of messages (max age and count): that is the shared replay a session resuming
// on another node is served from, and what a node that starts late reads first.
import { connect, consumerOpts, DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamSubscription, type NatsConnection, type StreamConfig } from 'nats';
import { encodeBusMessage } from './busWire.ts';
import type { BusMessage } from './EventBus.ts';
import { busSubjectSuffix, OrderedLogBus, type BusErrorHandler } from './OrderedLogBus.ts';

export interface NatsBusOptions {
  url: string;
  /** Prefix of the stream and subjects, so several clusters (or test runs) share one NATS server. */
  cluster: string;
  /** How long the stream keeps messages: the RESUME window. */
  retentionMs: number;
  /** At most this many messages kept (REPLAY_BUFFER_EVENTS). */
  maxMessages: number;
  onError: BusErrorHandler;
}

export class NatsEventBus extends OrderedLogBus {
  private subscription: JetStreamSubscription | null = null;
  private reading: Promise<void> | null = null;

  private constructor(
    readonly nc: NatsConnection,
    private readonly streamName: string,
    private readonly subjectPrefix: string,
    onError: BusErrorHandler,
  ) {
    super(onError);
  }

  /** Connects and makes (or updates) the stream. Fails loudly when NATS or JetStream is not there. */
  static async connect(options: NatsBusOptions): Promise<NatsEventBus> {
    const nc = await connect({ servers: options.url, name: `concord-bus-${options.cluster}`, maxReconnectAttempts: -1, reconnectTimeWait: 250 }).catch((e: unknown) => {
      throw new Error(`BUS=nats: cannot connect to NATS at ${options.url} (${String(e)}); start nats-server with JetStream (-js) or set NATS_URL`, { cause: e });
    });
    const streamName = `${options.cluster}_bus`;
    const subjectPrefix = `${options.cluster}.bus`;
    const config: Partial<StreamConfig> = {
      name: streamName,
      subjects: [`${subjectPrefix}.>`],
      storage: StorageType.Memory,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(options.retentionMs),
      max_msgs: options.maxMessages,
      num_replicas: 1,
    };
    try {
      const jsm = await nc.jetstreamManager();
      const existing = await jsm.streams.info(streamName).catch(() => null);
      if (existing) await jsm.streams.update(streamName, config);
      else await jsm.streams.add(config);
    } catch (e) {
      await nc.close();
      throw new Error(`BUS=nats: JetStream is not available on ${options.url} (${String(e)}); run nats-server with -js`, { cause: e });
    }
    return new NatsEventBus(nc, streamName, subjectPrefix, options.onError);
  }

  publish(message: BusMessage): void {
    try {
      this.nc.publish(`${this.subjectPrefix}.${busSubjectSuffix(message)}`, encodeBusMessage(message));
      this.stats.published++;
    } catch (e) {
      this.stats.publishErrors++;
      this.onError('publish', e);
    }
  }

  async start(): Promise<void> {
    if (this.reading) return;
    // The push ordered consumer: nats-server 2.9 (this machine's) never answers the pull-based
    // ordered consumer's consume(); this one works on 2.9 and later.
    const opts = consumerOpts();
    opts.orderedConsumer();
    opts.deliverAll();
    opts.bindStream(this.streamName);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the replacement (consume()) hangs on nats-server 2.9, see above
    const subscription = await this.nc.jetstream().subscribe(`${this.subjectPrefix}.>`, opts);
    this.subscription = subscription;
    this.reading = (async () => {
      try {
        for await (const m of subscription) this.deliver(m.seq, m.data);
      } catch (e) {
        this.onError('consume', e);
      }
    })();
  }

  async close(): Promise<void> {
    this.failWaiters();
    this.subscription?.unsubscribe();
    await this.reading;
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
