// Interactions in flight live in the memory of the node that made them (the invoker's request waits
// there for the first answer, ephemeral messages and modals are kept there), but a bot's callback
// and follow-ups reach whichever node its load balancer picks. The token names the holder; another
// node sends the call over the bus ('interaction' replica topic) to that node alone, which runs it
// as if it had come in itself and sends back its result or its error. Forwarding the call, rather
// than sharing the interaction's state, keeps every rule (the 3 s window, 40060 for a second
// callback, the deferred placeholder) in one process with no compare-and-set between nodes.
// A holder that is gone (down, or a name from before a restart) holds nothing: the caller answers
// what an unknown token gets at once. One alive but silent for `timeoutMs` gets the same answer;
// it may still run the call (a holder that slow is overloaded), which the caller cannot know.
// A user's component click on an ephemeral message or a modal submit names no node: the node that
// received it asks every other live node whether it holds the message or modal (`holdsMessage`,
// `holdsModal`, asked of all at once with `ask`), then forwards the whole request (`create`).
import crypto from 'node:crypto';
import { ERRORS, type ErrorName, type FieldErrors } from '@concord/protocol';
import { z } from 'zod';
import { DomainError, RateLimitedError } from '../domain/DomainError.ts';
import type { ClusterNodes } from './ClusterNodes.ts';
import type { BusMessage, EventBus } from './EventBus.ts';

const ID = z.string().min(1).max(100);
const TOKEN = z.string().min(1).max(300);
const CUSTOM_ID = z.string().min(1).max(100);

/** What a bot asked another node to do with an interaction token (bodies are checked again by the holder's schemas). */
const ForwardedCallSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('callback'), interactionId: ID, token: TOKEN, body: z.unknown(), withResponse: z.boolean() }),
  z.object({ op: z.literal('followUp'), applicationId: ID, token: TOKEN, body: z.unknown() }),
  z.object({ op: z.literal('getMessage'), applicationId: ID, token: TOKEN, messageId: ID }),
  z.object({ op: z.literal('editMessage'), applicationId: ID, token: TOKEN, messageId: ID, body: z.unknown() }),
  z.object({ op: z.literal('deleteMessage'), applicationId: ID, token: TOKEN, messageId: ID }),
  z.object({ op: z.literal('probe'), applicationId: ID, token: TOKEN }),
  /** A user's POST /interactions, run by the node holding what it refers to (the input is checked again there). */
  z.object({ op: z.literal('create'), actorId: ID, input: z.unknown() }),
  /** Whether the asked node holds this ephemeral message for this user in this channel. */
  z.object({ op: z.literal('holdsMessage'), userId: ID, channelId: ID, messageId: ID }),
  /** Whether the asked node holds an open modal of this app for this user in this channel. */
  z.object({ op: z.literal('holdsModal'), userId: ID, applicationId: ID, channelId: ID, customId: CUSTOM_ID }),
  /** The sender opened this user's modal with this custom_id: one opened earlier elsewhere is replaced, as in one process. */
  z.object({ op: z.literal('modalReplaced'), userId: ID, customId: CUSTOM_ID, expiresAtMs: z.number().nonnegative() }),
]);
export type ForwardedCall = z.infer<typeof ForwardedCallSchema>;

const ERROR_NAMES = Object.keys(ERRORS) as [ErrorName, ...ErrorName[]];

/** A DomainError as it crosses the bus: the table row's name, the message, field errors, retry-after. */
const WireErrorSchema = z.object({
  kind: z.enum(ERROR_NAMES).nullable(),
  message: z.string().max(2000),
  errors: z.record(z.unknown()).optional(),
  retryAfterS: z.number().nonnegative().optional(),
});
type WireError = z.infer<typeof WireErrorSchema>;

const BodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: ID, to: ID, call: ForwardedCallSchema }),
  z.object({ type: z.literal('reply'), id: ID, to: ID, result: z.unknown().optional(), error: WireErrorSchema.optional() }),
]);

/** The holder did not answer: it is gone, went down while the call waited, or stayed silent. */
export class HolderUnavailableError extends Error {
  constructor(readonly holder: string, reason: string) {
    super(`interaction holder ${holder}: ${reason}`);
    this.name = 'HolderUnavailableError';
  }
}

interface PendingCall {
  holder: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface InteractionForwarderOptions {
  /** How long a caller waits for an alive holder's answer. */
  timeoutMs?: number;
  /** A bus body that failed its schema (counted by the owner). */
  onDropped?: () => void;
}

export class InteractionForwarder {
  private readonly pending = new Map<string, PendingCall>();
  private readonly unsubscribe: () => void;
  private readonly offDown: () => void;
  private readonly timeoutMs: number;
  dropped = 0;
  forwarded = 0;
  served = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly cluster: ClusterNodes,
    /** Runs a call this node received for an interaction it holds (the same code a local request runs). */
    private readonly serve: (call: ForwardedCall) => Promise<unknown>,
    private readonly options: InteractionForwarderOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.unsubscribe = bus.subscribe((m) => this.onBus(m));
    this.offDown = cluster.onDown((node) => {
      for (const [id, p] of this.pending) if (p.holder === node) this.settle(id, () => p.reject(new HolderUnavailableError(node, 'went down')));
    });
  }

  close(): void {
    this.unsubscribe();
    this.offDown();
    for (const [id, p] of this.pending) this.settle(id, () => p.reject(new HolderUnavailableError(p.holder, 'closing')));
  }

  /**
   * Sends a call to the node holding the interaction; its result, its DomainError, or
   * HolderUnavailableError. `timeoutMs` replaces the default for a call that waits on purpose (a
   * forwarded `create` waits for the bot's first answer on the holder).
   */
  forward(holder: string, call: ForwardedCall, timeoutMs = this.timeoutMs): Promise<unknown> {
    if (!this.cluster.isAlive(holder) || holder === this.cluster.self) return Promise.reject(new HolderUnavailableError(holder, 'not alive'));
    const id = crypto.randomBytes(12).toString('hex');
    this.forwarded++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, () => reject(new HolderUnavailableError(holder, `silent for ${timeoutMs} ms`))), timeoutMs);
      timer.unref();
      this.pending.set(id, { holder, resolve, reject, timer });
      this.bus.publish({ kind: 'replica', origin: this.cluster.self, topic: 'interaction', body: { type: 'request', id, to: holder, call } });
    });
  }

  /** Sends a call to every other live node at once: one pending answer per node (each settles like `forward`'s). */
  ask(call: ForwardedCall): { node: string; answer: Promise<unknown> }[] {
    return this.cluster.liveNodes().filter((node) => node !== this.cluster.self).map((node) => ({ node, answer: this.forward(node, call) }));
  }

  private settle(id: string, finish: () => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    finish();
  }

  private onBus(m: BusMessage): void {
    if (m.kind !== 'replica' || m.topic !== 'interaction') return;
    const parsed = BodySchema.safeParse(m.body);
    if (!parsed.success) {
      this.dropped++;
      this.options.onDropped?.();
      return;
    }
    const body = parsed.data;
    if (body.to !== this.cluster.self) return;
    if (body.type === 'reply') {
      const p = this.pending.get(body.id);
      // A reply from anyone but the holder asked is not an answer (a stale or forged body).
      if (!p || p.holder !== m.origin) return;
      const error = body.error;
      if (error) this.settle(body.id, () => p.reject(fromWire(error)));
      else this.settle(body.id, () => p.resolve(body.result));
      return;
    }
    // A request from a node this one does not know alive would answer into nothing.
    if (!this.cluster.isAlive(m.origin)) return;
    this.served++;
    const reply = (r: { result?: unknown; error?: WireError }) =>
      this.bus.publish({ kind: 'replica', origin: this.cluster.self, topic: 'interaction', body: { type: 'reply', id: body.id, to: m.origin, ...r } });
    // Through a promise: a serve that throws at once is answered like one that rejects, never thrown into the bus.
    Promise.resolve(body.call).then(this.serve).then(
      (result) => reply(result === undefined ? {} : { result }),
      (e: unknown) => reply({ error: toWire(e) }),
    );
  }
}

function toWire(e: unknown): WireError {
  if (e instanceof RateLimitedError) return { kind: e.kind, message: e.message, retryAfterS: e.retryAfterS };
  if (e instanceof DomainError) return e.errors ? { kind: e.kind, message: e.message, errors: e.errors } : { kind: e.kind, message: e.message };
  // Not a rule the bot broke: the caller answers 500 as the holder would have.
  return { kind: null, message: e instanceof Error ? e.message.slice(0, 2000) : 'interaction call failed' };
}

function fromWire(e: WireError): Error {
  if (e.kind === null) return new Error(`interaction holder failed: ${e.message}`);
  if ((e.kind === 'RateLimited' || e.kind === 'SlowmodeRateLimited') && e.retryAfterS !== undefined) return new RateLimitedError(e.kind, e.retryAfterS);
  // The field errors are what the holder's DomainError carried (same build, the cluster's own bus).
  return new DomainError(e.kind, e.message, e.errors as FieldErrors | undefined);
}
