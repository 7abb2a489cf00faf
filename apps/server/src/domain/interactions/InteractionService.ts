// Interactions: a user invokes a command, clicks a component or submits a modal (POST /interactions);
// the bot receives INTERACTION_CREATE with a token, answers once through the callback route within
// 3 seconds, and then may edit @original and send follow-ups through the webhook routes for 15
// minutes. Interactions are short-lived, so they live in memory only. This service runs the two
// flows; the rules live beside it: the token registry, command options, components, modals, the
// callback state machine, and the messages a token reaches (with the ephemeral ones).
import {
  INTERACTION_INITIAL_RESPONSE_MS,
  InteractionResponseType as Response,
  InteractionType,
  MessageFlags,
  PermissionFlags,
  hasPermission,
  InteractionCallbackBody,
  WebhookMessageBody,
  CreateInteractionBody,
  type CreateInteractionInput,
  type CreateInteractionResult,
  type InteractionCallbackInput,
  type WebhookMessageInput,
} from '@concord/protocol';
import { HolderUnavailableError, InteractionForwarder, type ForwardedCall } from '../../bus/InteractionForwarder.ts';
import type { MessageRecord, UserRecord } from '../../store/records.ts';
import type { ApplicationService } from '../ApplicationService.ts';
import type { CommandService } from '../CommandService.ts';
import { dispatch, requireVisibleChannel, type DomainContext } from '../DomainContext.ts';
import { DomainError } from '../DomainError.ts';
import type { WebhookMessageWriter } from '../WebhookMessageWriter.ts';
import { acknowledge, checkCallback, PENDING } from './callbackStateMachine.ts';
import { commandData, commandFor } from './commandInvocation.ts';
import { componentData } from './componentValidation.ts';
import type { InitialResponse, Interaction } from './Interaction.ts';
import { InteractionMessages } from './InteractionMessages.ts';
import { interactionPayload } from './interactionPayload.ts';
import { interactionIdFromToken, InteractionRegistry, parseInteractionToken } from './InteractionRegistry.ts';
import { ModalRegistry } from './ModalRegistry.ts';
import { Resolver } from './Resolver.ts';
import { heldAnswer, UserInteractionRouting } from './userInteractionRouting.ts';

export type { InitialResponse, Interaction } from './Interaction.ts';

const SWEEP_EVERY_MS = 60_000;

/** What the webhook routes ask of an interaction token (follow-ups, @original, the token itself). */
export type TokenCall =
  | { op: 'followUp'; body: WebhookMessageInput }
  | { op: 'getMessage'; messageId: string }
  | { op: 'editMessage'; messageId: string; body: WebhookMessageInput }
  | { op: 'deleteMessage'; messageId: string }
  /** GET /webhooks/:app/:token: an interaction token is no webhook (10015), a dead one is 50027. */
  | { op: 'probe' };

export class InteractionService {
  private readonly registry = new InteractionRegistry(() => this.nowMs());
  private readonly modals = new ModalRegistry();
  private readonly messages: InteractionMessages;
  /** In a cluster: bots' calls for interactions another node holds go there (null in one process). */
  private readonly forwarder: InteractionForwarder | null;
  /** In a cluster: a user's click or submit for what another node holds goes there (null in one process). */
  private readonly routing: UserInteractionRouting | null;
  private lastSweepMs = 0;
  /** The clock; tests move it forward to expire tokens. */
  nowMs: () => number = Date.now;

  constructor(
    private readonly ctx: DomainContext,
    private readonly apps: ApplicationService,
    private readonly commands: CommandService,
    private readonly writer: WebhookMessageWriter,
    private readonly options: { initialResponseMs?: number; waitForInitialResponse?: boolean; forwardTimeoutMs?: number } = {},
  ) {
    this.messages = new InteractionMessages(ctx, writer, () => this.nowMs());
    const forwarder = ctx.cluster
      ? new InteractionForwarder(ctx.bus, ctx.cluster, (call) => this.serveForwarded(call), options.forwardTimeoutMs === undefined ? {} : { timeoutMs: options.forwardTimeoutMs })
      : null;
    this.forwarder = forwarder;
    this.routing = forwarder
      ? new UserInteractionRouting(
          forwarder,
          {
            ephemeralExpiry: (messageId, userId, channelId) => this.messages.ephemeralExpiry(messageId, userId, channelId),
            modalExpiry: (userId, applicationId, channelId, customId) => this.modals.peek(userId, applicationId, channelId, customId, this.nowMs())?.expiresAtMs ?? null,
          },
          {
            createTimeoutMs: (options.initialResponseMs ?? INTERACTION_INITIAL_RESPONSE_MS) + (options.forwardTimeoutMs ?? 5_000),
            onMalformed: () => {
              forwarder.dropped++;
            },
          },
        )
      : null;
  }

  /** The forwarder's counters (metrics); null in one process. */
  get forwarderStats(): { dropped: number; forwarded: number; served: number } | null {
    return this.forwarder && { dropped: this.forwarder.dropped, forwarded: this.forwarder.forwarded, served: this.forwarder.served };
  }

  private sweep(now: number): void {
    if (now - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = now;
    this.registry.sweep(now);
    this.messages.sweep(now);
    this.modals.sweep(now);
  }

  // ---------------------------------------------------------------- invoking (the user's side)

  /**
   * POST /interactions. Validates the invocation, sends INTERACTION_CREATE to the bot and waits for
   * the first answer (at most the 3-second window) so the caller can show choices, a modal, or
   * "The application did not respond".
   */
  async create(actor: UserRecord, input: CreateInteractionInput): Promise<CreateInteractionResult> {
    if (!this.routing) return this.createHere(actor, input);
    return this.routing.create(actor, input, () => this.createHere(actor, input));
  }

  /** POST /interactions on this node, with what this node holds. */
  private async createHere(actor: UserRecord, input: CreateInteractionInput): Promise<CreateInteractionResult> {
    const now = this.nowMs();
    this.sweep(now);
    const app = this.apps.get(input.application_id);
    const bot = app?.bot_user_id ? this.ctx.state.users.get(app.bot_user_id) : undefined;
    if (!app || !bot) throw new DomainError('UnknownApplication');
    const { channel, permissions } = requireVisibleChannel(this.ctx, input.channel_id, actor);
    const g = (channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined) ?? null;
    if (g) {
      if (!g.members.has(bot.id)) throw new DomainError('MissingAccess');
    } else if (!channel.recipients.includes(bot.id)) throw new DomainError('MissingAccess');

    const id = this.ctx.ids.next();
    const interaction: Interaction = {
      id,
      token: InteractionRegistry.mintToken(id, this.ctx.cluster?.self ?? null),
      type: input.type,
      app,
      botUserId: bot.id,
      userId: actor.id,
      channelId: channel.id,
      guildId: g?.id ?? null,
      createdAtMs: now,
      command: null,
      sourceMessageId: null,
      state: PENDING,
      originalMessageId: null,
      messageIds: new Set(),
      waiter: null,
    };
    let data: unknown;
    let message: MessageRecord | null = null;
    switch (input.type) {
      case InteractionType.APPLICATION_COMMAND:
      case InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE: {
        if (g && !hasPermission(permissions, PermissionFlags.USE_APPLICATION_COMMANDS)) throw new DomainError('MissingPermissions');
        const command = commandFor(this.commands, app, g, channel, input.data, permissions);
        interaction.command = { name: command.name, type: command.type };
        const autocomplete = input.type === InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE;
        data = await commandData(this.ctx, this.writer, { command, input: input.data, channel, g, autocomplete, invokerId: actor.id });
        break;
      }
      case InteractionType.MESSAGE_COMPONENT: {
        message = await this.messages.appMessage(app, bot.id, channel, input.message_id, actor.id);
        interaction.sourceMessageId = message.id;
        data = componentData(message, input.data, new Resolver(this.ctx, g, actor.id));
        break;
      }
      case InteractionType.MODAL_SUBMIT: {
        const modal = this.modals.take(actor.id, app.id, channel.id, input.data, now);
        interaction.sourceMessageId = modal.sourceMessageId;
        if (modal.sourceMessageId) message = await this.messages.appMessage(app, bot.id, channel, modal.sourceMessageId, actor.id).catch(() => null);
        data = input.data;
        break;
      }
      default: {
        const never: never = input;
        throw new Error(`unhandled interaction type ${JSON.stringify(never)}`);
      }
    }
    this.registry.add(interaction);
    const payload = interactionPayload(this.ctx, this.writer, { i: interaction, channel, g, actor, permissions, data, message });
    const answered = new Promise<InitialResponse | null>((resolve) => {
      interaction.waiter = resolve;
      const timer = setTimeout(() => {
        interaction.waiter = null;
        resolve(null);
      }, this.options.initialResponseMs ?? INTERACTION_INITIAL_RESPONSE_MS);
      timer.unref();
    });
    dispatch(this.ctx, `u:${bot.id}`, 'INTERACTION_CREATE', payload);
    const response = this.options.waitForInitialResponse === false ? null : await answered;
    return { id, nonce: input.nonce ?? null, response };
  }

  // ---------------------------------------------------------------- answering (the bot's side)

  /** Whether a token looks like one of ours, so webhook routes can tell interaction tokens apart. */
  isInteractionToken(token: string): boolean {
    return interactionIdFromToken(token) !== null;
  }

  /** The node holding a token's interaction when it is another live-or-not node of the cluster; null to answer here. */
  private elsewhere(interactionId: string | null, token: string): string | null {
    if (!this.forwarder || !this.ctx.cluster) return null;
    const named = parseInteractionToken(token);
    if (!named?.holder || named.holder === this.ctx.cluster.self) return null;
    if (interactionId !== null && named.id !== interactionId) return null;
    return this.registry.holds(named.id) ? null : named.holder;
  }

  /** A forwarded call's answer; a holder that cannot answer holds nothing: `unknown` is what an unknown token gets here. */
  private async forward(holder: string, call: ForwardedCall, unknown: () => DomainError): Promise<unknown> {
    try {
      return await this.forwarder!.forward(holder, call);
    } catch (e) {
      if (e instanceof HolderUnavailableError) throw unknown();
      throw e;
    }
  }

  /** POST /interactions/:id/:token/callback. Returns the callback response when `withResponse`. */
  async callback(interactionId: string, token: string, body: InteractionCallbackInput, withResponse: boolean): Promise<unknown> {
    const holder = this.elsewhere(interactionId, token);
    if (holder) return this.forward(holder, { op: 'callback', interactionId, token, body, withResponse }, () => new DomainError('UnknownInteraction'));
    return this.callbackHere(interactionId, token, body, withResponse);
  }

  /** The webhook routes' calls with an interaction token, run where the interaction lives. */
  async tokenCall(applicationId: string, token: string, call: TokenCall): Promise<unknown> {
    const holder = this.elsewhere(null, token);
    if (holder) return this.forward(holder, { ...call, applicationId, token }, () => new DomainError('InvalidWebhookToken'));
    return this.tokenCallHere(applicationId, token, call);
  }

  /** A call another node forwarded: the bodies came off the bus, so they are checked again here. */
  private async serveForwarded(call: ForwardedCall): Promise<unknown> {
    const form = <T>(r: { success: true; data: T } | { success: false }): T => {
      if (!r.success) throw new DomainError('InvalidFormBody');
      return r.data;
    };
    switch (call.op) {
      case 'callback':
        return this.callbackHere(call.interactionId, call.token, form(InteractionCallbackBody.safeParse(call.body)), call.withResponse);
      case 'followUp':
      case 'editMessage':
        return this.tokenCallHere(call.applicationId, call.token, { ...call, body: form(WebhookMessageBody.safeParse(call.body)) });
      case 'getMessage':
      case 'deleteMessage':
      case 'probe':
        return this.tokenCallHere(call.applicationId, call.token, call);
      case 'create': {
        // The user was authenticated (and rate-limited) by the node that received the request.
        const actor = this.ctx.state.users.get(call.actorId);
        if (!actor) throw new DomainError('UnknownUser');
        return this.createHere(actor, form(CreateInteractionBody.safeParse(call.input)));
      }
      case 'holdsMessage':
        return heldAnswer(this.messages.ephemeralExpiry(call.messageId, call.userId, call.channelId));
      case 'holdsModal':
        return heldAnswer(this.modals.peek(call.userId, call.applicationId, call.channelId, call.customId, this.nowMs())?.expiresAtMs ?? null);
      case 'modalReplaced':
        this.modals.replacedElsewhere(call.userId, call.customId, call.expiresAtMs);
        return undefined;
      default: {
        const never: never = call;
        throw new Error(`unhandled forwarded call ${JSON.stringify(never)}`);
      }
    }
  }

  private async tokenCallHere(applicationId: string, token: string, call: TokenCall): Promise<unknown> {
    const i = this.registry.byToken(applicationId, token);
    if (!i) throw new DomainError('InvalidWebhookToken');
    switch (call.op) {
      case 'followUp':
        return this.messages.followUp(i, call.body);
      case 'getMessage':
        return this.messages.get(i, call.messageId);
      case 'editMessage':
        return this.messages.edit(i, call.messageId, call.body);
      case 'deleteMessage':
        await this.messages.delete(i, call.messageId);
        return undefined;
      case 'probe':
        throw new DomainError('UnknownWebhook');
      default: {
        const never: never = call;
        throw new Error(`unhandled token call ${JSON.stringify(never)}`);
      }
    }
  }

  private async callbackHere(interactionId: string, token: string, body: InteractionCallbackInput, withResponse: boolean): Promise<unknown> {
    const i = this.registry.byIdAndToken(interactionId, token);
    checkCallback({
      interactionType: i.type,
      state: i.state,
      ageMs: this.nowMs() - i.createdAtMs,
      windowMs: this.options.initialResponseMs ?? INTERACTION_INITIAL_RESPONSE_MS,
      responseType: body.type,
    });
    const channel = this.ctx.state.channels.get(i.channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    // Acknowledge first: a second callback racing this one must fail with 40060.
    i.state = acknowledge(body.type);
    let message: MessageRecord | null = null;
    let initial: InitialResponse = { type: body.type };
    try {
      switch (body.type) {
        case Response.PONG:
          break;
        case Response.CHANNEL_MESSAGE_WITH_SOURCE:
          message = await this.messages.create(i, channel, body.data, false);
          i.originalMessageId = message.id;
          break;
        case Response.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
          message = await this.messages.create(i, channel, { flags: body.data?.flags ?? 0 }, true);
          i.originalMessageId = message.id;
          break;
        case Response.DEFERRED_UPDATE_MESSAGE:
          i.originalMessageId = i.sourceMessageId;
          break;
        case Response.UPDATE_MESSAGE: {
          message = await this.messages.updateSource(i, body.data);
          i.originalMessageId = message.id;
          break;
        }
        case Response.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
          initial = { type: body.type, data: { choices: body.data.choices } };
          break;
        case Response.MODAL: {
          const opened = this.modals.open(i, body.data, this.nowMs());
          // Before the user is shown it: a submit through another node must not find the one it replaces.
          await this.routing?.modalOpened(i.userId, body.data.custom_id, opened.expiresAtMs);
          initial = { type: body.type, data: body.data };
          break;
        }
        default: {
          const never: never = body;
          throw new Error(`unhandled callback ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      i.state = PENDING;
      throw e;
    }
    i.waiter?.(initial);
    i.waiter = null;
    if (!withResponse) return undefined;
    const response: Record<string, unknown> = { type: body.type };
    if (message) response['message'] = this.writer.serialize(message);
    if (body.type === Response.MODAL) response['modal'] = body.data;
    return {
      interaction: {
        id: i.id,
        type: i.type,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading: message ? (message.flags & MessageFlags.LOADING) !== 0 : false,
        response_message_ephemeral: message ? (message.flags & MessageFlags.EPHEMERAL) !== 0 : false,
      },
      resource: response,
    };
  }
}
