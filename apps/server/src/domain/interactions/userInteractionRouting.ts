// Where a user's POST /interactions runs in a cluster. A command names nothing held in memory and a
// click on a stored message finds it in the shared store: both run on the node that received them,
// as in one process. A click on an ephemeral message or a modal submit needs the node holding that
// message or modal: the receiving node runs it itself when it holds it, else asks the others
// (holderSearch.ts) and forwards the whole request to the holder, which makes the interaction (its
// token then names the holder, so the bot's callback finds it from anywhere) and answers with the
// bot's first response. When no node holds it the answer is this node's own: 10008 for the message,
// 50035 MODAL_INVALID for the modal, as in one process.
import { InteractionType, type CreateInteractionInput, type CreateInteractionResult } from '@concord/protocol';
import { z } from 'zod';
import { HolderUnavailableError, type InteractionForwarder } from '../../bus/InteractionForwarder.ts';
import type { UserRecord } from '../../store/records.ts';
import { DomainError } from '../DomainError.ts';
import { firstHolder, newestHolder, type HeldAnswer } from './holderSearch.ts';
import { noSuchModal } from './ModalRegistry.ts';

/** How long a modal's opening waits for the other nodes to drop the one it replaces. */
export const MODAL_REPLACE_WAIT_MS = 1_000;

/** The holder's answer to a forwarded POST /interactions, off the bus. */
export const CreateResultSchema = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  nonce: z.union([z.string().max(64), z.number().int()]).nullable(),
  response: z.object({ type: z.number().int(), data: z.unknown().optional() }).nullable(),
});

/** What this node holds of the user's side, asked before any other node is. */
export interface LocalHoldings {
  /** The expiry of an ephemeral message held here for this user in this channel, or null. */
  ephemeralExpiry(messageId: string, userId: string, channelId: string): number | null;
  /** The expiry of a modal held open here, or null. */
  modalExpiry(userId: string, applicationId: string, channelId: string, customId: string): number | null;
}

export function heldAnswer(expiresAtMs: number | null): HeldAnswer {
  return expiresAtMs === null ? { held: false } : { held: true, expiresAtMs };
}

export interface UserInteractionRoutingOptions {
  /** How long a forwarded create may take: the bot's 3-second window plus the bus's own wait. */
  createTimeoutMs: number;
  /** An answer off the bus that failed its schema (counted by the owner). */
  onMalformed: () => void;
}

export class UserInteractionRouting {
  constructor(
    private readonly forwarder: InteractionForwarder,
    private readonly local: LocalHoldings,
    private readonly options: UserInteractionRoutingOptions,
  ) {}

  /** Runs the user's request here (`here`) or on the node holding what it refers to. */
  async create(actor: UserRecord, input: CreateInteractionInput, here: () => Promise<CreateInteractionResult>): Promise<CreateInteractionResult> {
    if (input.type === InteractionType.MODAL_SUBMIT) {
      if (this.local.modalExpiry(actor.id, input.application_id, input.channel_id, input.data.custom_id) !== null) return here();
      const asked = this.forwarder.ask({ op: 'holdsModal', userId: actor.id, applicationId: input.application_id, channelId: input.channel_id, customId: input.data.custom_id });
      const holder = await newestHolder(asked, this.options.onMalformed);
      // Nobody holds it: this node's own answer is the one-process answer (50035 MODAL_INVALID).
      if (!holder) return here();
      return this.forwardCreate(holder, actor, input, noSuchModal);
    }
    if (input.type === InteractionType.MESSAGE_COMPONENT) {
      try {
        // Held here or stored: runs here. Access checks come first, so a refused user asks no one.
        return await here();
      } catch (e) {
        if (!(e instanceof DomainError) || e.kind !== 'UnknownMessage') throw e;
        const asked = this.forwarder.ask({ op: 'holdsMessage', userId: actor.id, channelId: input.channel_id, messageId: input.message_id });
        const holder = await firstHolder(asked, this.options.onMalformed);
        if (!holder) throw e;
        return this.forwardCreate(holder, actor, input, () => e);
      }
    }
    return here();
  }

  /**
   * This node opened a modal: one the user had open with the same custom_id on another node is
   * replaced there, as it is here in one process (else a submit landing there would take the stale
   * one). Resolves once every node has answered, or after `MODAL_REPLACE_WAIT_MS`: the caller shows
   * the user the modal only then, so the user's submit cannot overtake the replacement. A node
   * silent that long keeps its stale modal (it is overloaded or about to be declared down).
   */
  async modalOpened(userId: string, customId: string, expiresAtMs: number): Promise<void> {
    const answers = this.forwarder.ask({ op: 'modalReplaced', userId, customId, expiresAtMs }).map((a) => a.answer.catch(() => undefined));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const capped = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, MODAL_REPLACE_WAIT_MS);
    });
    await Promise.race([Promise.all(answers), capped]);
    clearTimeout(timer);
  }

  /** The holder's result; a holder gone meanwhile held nothing (`gone` is what nothing held gets). */
  private async forwardCreate(holder: string, actor: UserRecord, input: CreateInteractionInput, gone: () => DomainError): Promise<CreateInteractionResult> {
    let raw: unknown;
    try {
      raw = await this.forwarder.forward(holder, { op: 'create', actorId: actor.id, input }, this.options.createTimeoutMs);
    } catch (e) {
      if (e instanceof HolderUnavailableError) throw gone();
      throw e;
    }
    const parsed = CreateResultSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.onMalformed();
      throw new Error(`interaction holder ${holder} answered a malformed create result`);
    }
    const { id, nonce, response } = parsed.data;
    return { id, nonce, response: response && (response.data === undefined ? { type: response.type } : { type: response.type, data: response.data }) };
  }
}
