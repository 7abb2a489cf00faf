// Interactions: a user invokes a command, clicks a component or submits a modal (POST /interactions);
// the bot receives INTERACTION_CREATE with a token, answers once through the callback route within
// 3 seconds, and then may edit @original and send follow-ups through the webhook routes for 15
// minutes. Interactions are short-lived, so they live in memory only; ephemeral messages (seen by
// the invoker alone) live in their interaction and are never stored.
import {
  ApplicationCommandOptionType as Opt,
  ChannelType,
  ComponentType,
  INTERACTION_INITIAL_RESPONSE_MS,
  INTERACTION_TOKEN_TTL_MS,
  InteractionContextType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlags,
  hasPermission,
  type APIApplicationCommandOption,
  type APIInteraction,
  type APIInteractionDataOption,
  type APIInteractionResolved,
  type CommandInvocation,
  type CreateInteractionInput,
  type CreateInteractionResult,
  type FieldErrors,
  type InteractionCallbackInput,
  type WebhookMessageInput,
} from '@concord/protocol';
import crypto from 'node:crypto';
import { DomainError } from './DomainError.ts';
import type { ApplicationRecord, CommandRecord } from '../store/botRecords.ts';
import type { ChannelRecord, MessageRecord, UserRecord } from '../store/records.ts';
import type { ApplicationService } from './ApplicationService.ts';
import type { CommandService } from './CommandService.ts';
import { dispatch, requireVisibleChannel, type DomainContext } from './DomainContext.ts';
import type { GuildState } from './DomainState.ts';
import { channelToAPI, memberToAPI, privateChannelFor, roleToAPI, userToAPI } from './serialize.ts';
import type { WebhookMessageAuthor, WebhookMessageWriter } from './WebhookMessageWriter.ts';

type InteractionState =
  | { status: 'pending' }
  | { status: 'acknowledged'; responseType: number };

export interface Interaction {
  id: string;
  token: string;
  type: number;
  app: ApplicationRecord;
  botUserId: string;
  userId: string;
  channelId: string;
  guildId: string | null;
  createdAtMs: number;
  /** For interaction_metadata: the command's name and type (commands only). */
  command: { name: string; type: number } | null;
  /** The message a component (or a modal opened from one) is attached to. */
  sourceMessageId: string | null;
  state: InteractionState;
  /** What @original refers to: the response message, or the source message after types 6/7. */
  originalMessageId: string | null;
  /** Messages created through this interaction's token (original and follow-ups). */
  messageIds: Set<string>;
  /** The invoker's POST /interactions waiting for the first answer (to show choices or a modal). */
  waiter: ((outcome: InitialResponse) => void) | null;
}

/** What the invoker learns about the bot's first answer. */
export interface InitialResponse {
  type: number;
  data?: unknown;
}

interface PendingModal {
  applicationId: string;
  channelId: string;
  sourceMessageId: string | null;
  components: { custom_id: string; required: boolean; min_length: number; max_length: number }[];
  expiresAtMs: number;
}

/** Which callback types answer which interaction types. */
const ALLOWED_RESPONSES: Record<number, ReadonlySet<number>> = {
  [InteractionType.APPLICATION_COMMAND]: new Set([4, 5, 9]),
  [InteractionType.MESSAGE_COMPONENT]: new Set([4, 5, 6, 7, 9]),
  [InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE]: new Set([8]),
  [InteractionType.MODAL_SUBMIT]: new Set([4, 5, 6, 7]),
};

const SWEEP_EVERY_MS = 60_000;

class FieldErrorList {
  readonly root: FieldErrors = {};
  count = 0;

  add(path: (string | number)[], code: string, message: string): void {
    let node = this.root;
    for (const segment of path) {
      const key = String(segment);
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined || Array.isArray(next)) {
        const created: FieldErrors = {};
        node[key] = created;
        node = created;
      } else node = next;
    }
    (node._errors ??= []).push({ code, message });
    this.count++;
  }

  throwIfAny(): void {
    if (this.count > 0) throw DomainError.invalidForm(this.root);
  }
}

export class InteractionService {
  private readonly interactions = new Map<string, Interaction>();
  /** Ephemeral messages by id, with the one user who sees them: only here, never in storage. */
  private readonly ephemeral = new Map<string, { record: MessageRecord; userId: string; expiresAtMs: number }>();
  /** userId -> custom_id -> the modal a bot opened for that user. */
  private readonly modals = new Map<string, Map<string, PendingModal>>();
  private lastSweepMs = 0;
  /** The clock; tests move it forward to expire tokens. */
  nowMs: () => number = Date.now;

  constructor(
    private readonly ctx: DomainContext,
    private readonly apps: ApplicationService,
    private readonly commands: CommandService,
    private readonly writer: WebhookMessageWriter,
    private readonly options: { initialResponseMs?: number; waitForInitialResponse?: boolean } = {},
  ) {}

  private sweep(now: number): void {
    if (now - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = now;
    for (const [id, i] of this.interactions) if (now - i.createdAtMs > INTERACTION_TOKEN_TTL_MS) this.interactions.delete(id);
    for (const [id, e] of this.ephemeral) if (e.expiresAtMs < now) this.ephemeral.delete(id);
    for (const [userId, byId] of this.modals) {
      for (const [customId, m] of byId) if (m.expiresAtMs < now) byId.delete(customId);
      if (byId.size === 0) this.modals.delete(userId);
    }
  }

  // ---------------------------------------------------------------- invoking (the user's side)

  /**
   * POST /interactions. Validates the invocation, sends INTERACTION_CREATE to the bot and waits for
   * the first answer (at most the 3-second window) so the caller can show choices, a modal, or
   * "The application did not respond".
   */
  async create(actor: UserRecord, input: CreateInteractionInput): Promise<CreateInteractionResult> {
    const now = this.nowMs();
    this.sweep(now);
    const app = this.apps.get(input.application_id);
    const bot = app?.bot_user_id ? this.ctx.state.users.get(app.bot_user_id) : undefined;
    if (!app || !bot) throw new DomainError('UnknownApplication');
    const { channel, permissions } = requireVisibleChannel(this.ctx, input.channel_id, actor);
    const g = channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined;
    if (g) {
      if (!g.members.has(bot.id)) throw new DomainError('MissingAccess');
    } else if (!channel.recipients.includes(bot.id)) throw new DomainError('MissingAccess');

    const id = this.ctx.ids.next();
    const token = `${Buffer.from(`interaction:${id}`).toString('base64url')}.${crypto.randomBytes(48).toString('base64url')}`;
    const interaction: Interaction = {
      id,
      token,
      type: input.type,
      app,
      botUserId: bot.id,
      userId: actor.id,
      channelId: channel.id,
      guildId: g?.id ?? null,
      createdAtMs: now,
      command: null,
      sourceMessageId: null,
      state: { status: 'pending' },
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
        const command = this.commandFor(app, g ?? null, channel, input.data, permissions);
        interaction.command = { name: command.name, type: command.type };
        data = await this.commandData(command, input.data, channel, g ?? null, input.type === InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE, actor.id);
        break;
      }
      case InteractionType.MESSAGE_COMPONENT: {
        message = await this.appMessage(app, bot.id, channel, input.message_id, actor.id);
        interaction.sourceMessageId = message.id;
        data = this.componentData(message, input.data, g ?? null, actor.id);
        break;
      }
      case InteractionType.MODAL_SUBMIT: {
        const modal = this.takeModal(actor.id, app.id, channel.id, input.data, now);
        interaction.sourceMessageId = modal.sourceMessageId;
        if (modal.sourceMessageId) message = await this.appMessage(app, bot.id, channel, modal.sourceMessageId, actor.id).catch(() => null);
        data = input.data;
        break;
      }
      default: {
        const never: never = input;
        throw new Error(`unhandled interaction type ${JSON.stringify(never)}`);
      }
    }
    this.interactions.set(id, interaction);
    const payload = this.payload(interaction, channel, g ?? null, actor, permissions, data, message);
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

  /** The command invoked: it must belong to the app, exist in this scope, fit the context and the member's permissions. */
  private commandFor(app: ApplicationRecord, g: GuildState | null, channel: ChannelRecord, data: CommandInvocation, permissions: bigint): CommandRecord {
    const command = this.commands.get(data.id);
    const inScope = command && command.application_id === app.id && (command.guild_id === null || command.guild_id === g?.id);
    if (!command || !inScope || command.name !== data.name || (data.type !== undefined && data.type !== command.type)) {
      throw new DomainError('UnknownApplicationCommand');
    }
    if (!g) {
      const context = channel.type === ChannelType.DM ? InteractionContextType.BOT_DM : InteractionContextType.PRIVATE_CHANNEL;
      if (command.guild_id !== null || !command.dm_permission || (command.contexts && !command.contexts.includes(context))) throw new DomainError('MissingAccess');
    } else if (command.contexts && !command.contexts.includes(InteractionContextType.GUILD)) throw new DomainError('MissingAccess');
    if (g && !this.commands.usableBy(command, permissions)) throw new DomainError('MissingPermissions');
    return command;
  }

  /** data of a command interaction: validated options and the resolved users, members, roles, channels, messages. */
  private async commandData(command: CommandRecord, input: CommandInvocation, channel: ChannelRecord, g: GuildState | null, autocomplete: boolean, invokerId: string) {
    const errors = new FieldErrorList();
    const resolved = new Resolver(this.ctx, g, invokerId);
    const out: Record<string, unknown> = { id: command.id, name: command.name, type: command.type };
    if (command.guild_id) out['guild_id'] = command.guild_id;
    if (command.type === 1) {
      const defs = command.options as APIApplicationCommandOption[];
      const options = this.validateOptions(defs, input.options ?? [], ['data', 'options'], errors, resolved, autocomplete);
      if (autocomplete) {
        const focused = countFocused(options);
        if (focused !== 1) errors.add(['data', 'options'], 'INTERACTION_FOCUSED_OPTION_INVALID', 'Exactly one option must be focused');
      }
      errors.throwIfAny();
      if (options.length > 0) out['options'] = options;
    } else {
      if (autocomplete) throw DomainError.fieldError('type', 'INTERACTION_TYPE_INVALID', 'Only chat input commands have autocomplete');
      if (!input.target_id) throw DomainError.fieldError('data.target_id', 'BASE_TYPE_REQUIRED', 'This field is required');
      out['target_id'] = input.target_id;
      if (command.type === 2) {
        if (!resolved.user(input.target_id)) throw new DomainError('UnknownUser');
      } else {
        const target = await this.ctx.messages.get(channel.id, input.target_id);
        if (!target) throw new DomainError('UnknownMessage');
        resolved.message(this.writer.serialize(target));
      }
    }
    const r = resolved.result();
    if (r) out['resolved'] = r;
    return out;
  }

  /** One level of options against its definitions; returns Discord's option objects for the bot. */
  private validateOptions(
    defs: APIApplicationCommandOption[],
    given: NonNullable<CommandInvocation['options']>,
    path: (string | number)[],
    errors: FieldErrorList,
    resolved: Resolver,
    autocomplete: boolean,
  ): APIInteractionDataOption[] {
    const out: APIInteractionDataOption[] = [];
    const hasSubcommands = defs.some((d) => d.type === Opt.SUB_COMMAND || d.type === Opt.SUB_COMMAND_GROUP);
    if (hasSubcommands && given.length !== 1) {
      errors.add(path, 'INTERACTION_SUB_COMMAND_REQUIRED', 'Exactly one sub-command must be given');
      return out;
    }
    const seen = new Set<string>();
    given.forEach((o, i) => {
      const at = [...path, i];
      const def = defs.find((d) => d.name === o.name);
      if (!def) return errors.add([...at, 'name'], 'INTERACTION_OPTION_UNKNOWN', `Unknown option "${o.name}"`);
      if (seen.has(o.name)) return errors.add([...at, 'name'], 'INTERACTION_OPTION_DUPLICATE', `Option "${o.name}" was given twice`);
      seen.add(o.name);
      if (def.type !== o.type) return errors.add([...at, 'type'], 'INTERACTION_OPTION_TYPE_INVALID', `Option "${o.name}" must be of type ${def.type}`);
      if (def.type === Opt.SUB_COMMAND || def.type === Opt.SUB_COMMAND_GROUP) {
        const children = this.validateOptions(def.options ?? [], o.options ?? [], [...at, 'options'], errors, resolved, autocomplete);
        out.push({ name: o.name, type: o.type, options: children });
        return;
      }
      if (o.focused) {
        // A partially typed value: only its type matters; the bot suggests the rest.
        if (!autocomplete || !def.autocomplete) return errors.add([...at, 'focused'], 'INTERACTION_FOCUSED_OPTION_INVALID', 'This option has no autocomplete');
        out.push({ name: o.name, type: o.type, value: o.value ?? '', focused: true });
        return;
      }
      const value = this.checkValue(def, o.value, [...at, 'value'], errors, resolved);
      if (value !== undefined) out.push({ name: o.name, type: o.type, value });
    });
    if (!hasSubcommands && !autocomplete) {
      for (const def of defs) if (def.required && !seen.has(def.name)) errors.add(path, 'BASE_TYPE_REQUIRED', `Option "${def.name}" is required`);
    }
    return out;
  }

  private checkValue(def: APIApplicationCommandOption, value: unknown, at: (string | number)[], errors: FieldErrorList, resolved: Resolver): string | number | boolean | undefined {
    const fail = (code: string, message: string) => {
      errors.add(at, code, message);
      return undefined;
    };
    const inChoices = (v: string | number) => !def.choices?.length || def.autocomplete || def.choices.some((c) => c.value === v);
    switch (def.type) {
      case Opt.STRING: {
        if (typeof value !== 'string') return fail('STRING_TYPE_INVALID', 'Must be a string');
        if (def.min_length !== undefined && value.length < def.min_length) return fail('BASE_TYPE_MIN_LENGTH', `Must be ${def.min_length} or more in length.`);
        if (value.length > (def.max_length ?? 6000)) return fail('BASE_TYPE_MAX_LENGTH', `Must be ${def.max_length ?? 6000} or fewer in length.`);
        if (!inChoices(value)) return fail('BASE_TYPE_CHOICES', 'Value must be one of the choices');
        return value;
      }
      case Opt.INTEGER:
      case Opt.NUMBER: {
        const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n)) return fail('NUMBER_TYPE_COERCE', 'Must be a number');
        if (def.type === Opt.INTEGER && (!Number.isInteger(n) || Math.abs(n) > Number.MAX_SAFE_INTEGER)) return fail('NUMBER_TYPE_COERCE', 'Must be an integer');
        if (def.min_value !== undefined && n < def.min_value) return fail('NUMBER_TYPE_MIN', `Must be at least ${def.min_value}`);
        if (def.max_value !== undefined && n > def.max_value) return fail('NUMBER_TYPE_MAX', `Must be at most ${def.max_value}`);
        if (!inChoices(n)) return fail('BASE_TYPE_CHOICES', 'Value must be one of the choices');
        return n;
      }
      case Opt.BOOLEAN:
        return typeof value === 'boolean' ? value : fail('BOOLEAN_TYPE_COERCE', 'Must be a boolean');
      case Opt.USER:
        return typeof value === 'string' && resolved.user(value) ? value : fail('USER_INVALID', 'Unknown user');
      case Opt.ROLE:
        return typeof value === 'string' && resolved.role(value) ? value : fail('ROLE_INVALID', 'Unknown role');
      case Opt.MENTIONABLE:
        return typeof value === 'string' && (resolved.role(value) || resolved.user(value)) ? value : fail('MENTIONABLE_INVALID', 'Unknown user or role');
      case Opt.CHANNEL: {
        if (typeof value !== 'string') return fail('CHANNEL_INVALID', 'Unknown channel');
        const channel = resolved.channel(value);
        if (!channel) return fail('CHANNEL_INVALID', 'Unknown channel');
        if (def.channel_types?.length && !def.channel_types.includes(channel.type)) return fail('CHANNEL_TYPE_INVALID', 'This channel type is not allowed here');
        return value;
      }
      case Opt.ATTACHMENT:
        return fail('ATTACHMENT_NOT_SUPPORTED', 'Attachment options are not supported by this server yet');
      default:
        return fail('INTERACTION_OPTION_TYPE_INVALID', 'Unknown option type');
    }
  }

  /** A message the app sent (stored, or ephemeral to this user) that a component was clicked on. */
  private async appMessage(app: ApplicationRecord, botUserId: string, channel: ChannelRecord, messageId: string, userId: string): Promise<MessageRecord> {
    const eph = this.ephemeral.get(messageId);
    if (eph && eph.userId === userId && eph.record.channel_id === channel.id) return eph.record;
    const message = await this.ctx.messages.get(channel.id, messageId);
    if (!message) throw new DomainError('UnknownMessage');
    if (message.author_id !== botUserId && message.application_id !== app.id) throw DomainError.fieldError('message_id', 'INTERACTION_MESSAGE_INVALID', 'This message does not belong to the application');
    return message;
  }

  /** data of a component interaction, checked against the component on the message. */
  private componentData(message: MessageRecord, input: Extract<CreateInteractionInput, { type: 3 }>['data'], g: GuildState | null, invokerId: string) {
    const component = findComponent(message.components, input.custom_id);
    if (!component || component.type !== input.component_type) throw DomainError.fieldError('data.custom_id', 'COMPONENT_INVALID', 'No such component on this message');
    if (component.disabled === true) throw DomainError.fieldError('data.custom_id', 'COMPONENT_DISABLED', 'This component is disabled');
    const out: Record<string, unknown> = { custom_id: input.custom_id, component_type: input.component_type };
    if (input.component_type === ComponentType.BUTTON) return out;
    const values = input.values ?? [];
    const min = typeof component.min_values === 'number' ? component.min_values : 1;
    const max = typeof component.max_values === 'number' ? component.max_values : 1;
    if (values.length < min || values.length > max) throw DomainError.fieldError('data.values', 'BASE_TYPE_BAD_LENGTH', `Must pick between ${min} and ${max} values`);
    const resolved = new Resolver(this.ctx, g, invokerId);
    for (const v of values) {
      let ok: boolean;
      switch (input.component_type) {
        case ComponentType.STRING_SELECT:
          ok = Array.isArray(component.options) && component.options.some((o: unknown) => typeof o === 'object' && o !== null && 'value' in o && o.value === v);
          break;
        case ComponentType.USER_SELECT:
          ok = resolved.user(v);
          break;
        case ComponentType.ROLE_SELECT:
          ok = resolved.role(v);
          break;
        case ComponentType.MENTIONABLE_SELECT:
          ok = resolved.role(v) || resolved.user(v);
          break;
        case ComponentType.CHANNEL_SELECT:
          ok = resolved.channel(v) !== null;
          break;
        default:
          ok = false;
      }
      if (!ok) throw DomainError.fieldError('data.values', 'COMPONENT_VALUE_INVALID', `Invalid value "${v}"`);
    }
    out['values'] = values;
    const r = resolved.result();
    if (r) out['resolved'] = r;
    return out;
  }

  private takeModal(userId: string, applicationId: string, channelId: string, data: Extract<CreateInteractionInput, { type: 5 }>['data'], now: number): PendingModal {
    const modal = this.modals.get(userId)?.get(data.custom_id);
    if (!modal || modal.applicationId !== applicationId || modal.channelId !== channelId || modal.expiresAtMs < now) {
      throw DomainError.fieldError('data.custom_id', 'MODAL_INVALID', 'No such modal is open');
    }
    const values = new Map(data.components.flatMap((row) => row.components.map((c) => [c.custom_id, c.value] as const)));
    const errors = new FieldErrorList();
    for (const [index, field] of modal.components.entries()) {
      const value = values.get(field.custom_id) ?? '';
      if (field.required && value.trim() === '') errors.add(['data', 'components', index], 'BASE_TYPE_REQUIRED', 'This field is required');
      else if (value !== '' && (value.length < field.min_length || value.length > field.max_length)) errors.add(['data', 'components', index], 'BASE_TYPE_BAD_LENGTH', `Must be between ${field.min_length} and ${field.max_length} in length.`);
    }
    for (const key of values.keys()) if (!modal.components.some((c) => c.custom_id === key)) errors.add(['data', 'components'], 'COMPONENT_INVALID', `Unknown text input "${key}"`);
    errors.throwIfAny();
    this.modals.get(userId)?.delete(data.custom_id);
    return modal;
  }

  private payload(i: Interaction, channel: ChannelRecord, g: GuildState | null, actor: UserRecord, permissions: bigint, data: unknown, message: MessageRecord | null): APIInteraction {
    const botPermissions = this.ctx.state.channelPermissions(channel, i.botUserId);
    const out: APIInteraction = {
      id: i.id,
      application_id: i.app.id,
      type: i.type,
      data,
      channel: g ? channelToAPI(channel) : privateChannelFor(channel, i.botUserId, this.ctx.state),
      channel_id: channel.id,
      token: i.token,
      version: 1,
      app_permissions: botPermissions.toString(),
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': g?.id ?? '0' },
      context: g ? InteractionContextType.GUILD : channel.type === ChannelType.DM ? InteractionContextType.BOT_DM : InteractionContextType.PRIVATE_CHANNEL,
      attachment_size_limit: this.ctx.maxUploadBytes,
    };
    if (g) {
      out.guild_id = g.id;
      out.guild = { id: g.id, locale: g.guild.preferred_locale, features: [] };
      out.guild_locale = g.guild.preferred_locale;
      const member = g.members.get(actor.id);
      if (member) out.member = { ...memberToAPI(member, actor), permissions: permissions.toString() };
    } else out.user = userToAPI(actor);
    if (message) out.message = this.writer.serialize(message);
    return out;
  }

  // ---------------------------------------------------------------- answering (the bot's side)

  /** The live interaction for an id and token; unknown, wrong and expired tokens are all 10062. */
  private byIdAndToken(interactionId: string, token: string): Interaction {
    const i = this.interactions.get(interactionId);
    if (!i || !safeEqual(i.token, token) || this.nowMs() - i.createdAtMs > INTERACTION_TOKEN_TTL_MS) throw new DomainError('UnknownInteraction');
    return i;
  }

  /** The live interaction of a webhook-route token; expired tokens answer 50027 as Discord does. */
  byToken(applicationId: string, token: string): Interaction | null {
    const id = interactionIdFromToken(token);
    const i = id ? this.interactions.get(id) : undefined;
    if (!i || i.app.id !== applicationId || !safeEqual(i.token, token)) return null;
    if (this.nowMs() - i.createdAtMs > INTERACTION_TOKEN_TTL_MS) throw new DomainError('InvalidWebhookToken');
    return i;
  }

  /** Whether a token looks like one of ours, so webhook routes can tell interaction tokens apart. */
  isInteractionToken(token: string): boolean {
    return interactionIdFromToken(token) !== null;
  }

  /** POST /interactions/:id/:token/callback. Returns the callback response when `withResponse`. */
  async callback(interactionId: string, token: string, body: InteractionCallbackInput, withResponse: boolean): Promise<unknown> {
    const i = this.byIdAndToken(interactionId, token);
    if (i.state.status === 'acknowledged') throw new DomainError('InteractionAlreadyAcknowledged');
    if (this.nowMs() - i.createdAtMs > (this.options.initialResponseMs ?? INTERACTION_INITIAL_RESPONSE_MS)) throw new DomainError('UnknownInteraction');
    if (!ALLOWED_RESPONSES[i.type]?.has(body.type)) throw DomainError.fieldError('type', 'INTERACTION_RESPONSE_TYPE_INVALID', `Response type ${body.type} is not valid for interaction type ${i.type}`);
    const channel = this.ctx.state.channels.get(i.channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    // Acknowledge first: a second callback racing this one must fail with 40060.
    i.state = { status: 'acknowledged', responseType: body.type };
    let message: MessageRecord | null = null;
    let initial: InitialResponse = { type: body.type };
    try {
      switch (body.type) {
        case 1:
          break;
        case 4:
          message = await this.createMessage(i, channel, body.data, false);
          i.originalMessageId = message.id;
          break;
        case 5:
          message = await this.createMessage(i, channel, { flags: body.data?.flags ?? 0 }, true);
          i.originalMessageId = message.id;
          break;
        case 6:
          i.originalMessageId = i.sourceMessageId;
          break;
        case 7: {
          const source = await this.messageOf(i, i.sourceMessageId);
          message = await this.writer.edit(source, body.data, this.ephemeralOwner(i, source));
          this.keep(i, message);
          i.originalMessageId = message.id;
          break;
        }
        case 8:
          initial = { type: 8, data: { choices: body.data.choices } };
          break;
        case 9: {
          const byId = this.modals.get(i.userId) ?? new Map<string, PendingModal>();
          byId.set(body.data.custom_id, {
            applicationId: i.app.id,
            channelId: i.channelId,
            sourceMessageId: i.sourceMessageId,
            components: body.data.components.flatMap((row) => row.components).map((c) => ({ custom_id: c.custom_id, required: c.required ?? true, min_length: c.min_length ?? 0, max_length: c.max_length ?? 4000 })),
            expiresAtMs: this.nowMs() + INTERACTION_TOKEN_TTL_MS,
          });
          this.modals.set(i.userId, byId);
          initial = { type: 9, data: body.data };
          break;
        }
        default: {
          const never: never = body;
          throw new Error(`unhandled callback ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      i.state = { status: 'pending' };
      throw e;
    }
    i.waiter?.(initial);
    i.waiter = null;
    if (!withResponse) return undefined;
    const response: Record<string, unknown> = { type: body.type };
    if (message) response['message'] = this.writer.serialize(message);
    if (body.type === 9) response['modal'] = body.data;
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

  private async createMessage(i: Interaction, channel: ChannelRecord, body: WebhookMessageInput, loading: boolean): Promise<MessageRecord> {
    const bot = this.ctx.state.users.get(i.botUserId);
    if (!bot) throw new DomainError('UnknownUser');
    const ephemeral = ((body.flags ?? 0) & MessageFlags.EPHEMERAL) !== 0;
    const author: WebhookMessageAuthor = {
      authorId: bot.id,
      mentioner: bot,
      mentionPermissions: this.ctx.state.channelPermissions(channel, bot.id),
      webhookId: i.app.id,
      applicationId: i.app.id,
      override: null,
    };
    const invoker = this.ctx.state.users.get(i.userId);
    const metadata: Record<string, unknown> = {
      id: i.id,
      type: i.type,
      user: userToAPI(invoker),
      authorizing_integration_owners: { '0': i.guildId ?? '0' },
    };
    if (i.command) {
      metadata['name'] = i.command.name;
      metadata['command_type'] = i.command.type;
    }
    if (i.originalMessageId) metadata['original_response_message_id'] = i.originalMessageId;
    if (i.sourceMessageId) metadata['interacted_message_id'] = i.sourceMessageId;
    const type = i.command ? (i.command.type === 1 ? MessageType.CHAT_INPUT_COMMAND : MessageType.CONTEXT_MENU_COMMAND) : MessageType.DEFAULT;
    const record = await this.writer.create({ channel, author, body, type, interaction: metadata, loading, ephemeralTo: ephemeral ? i.userId : null });
    this.keep(i, record);
    return record;
  }

  private keep(i: Interaction, record: MessageRecord): void {
    i.messageIds.add(record.id);
    if (record.flags & MessageFlags.EPHEMERAL) this.ephemeral.set(record.id, { record, userId: i.userId, expiresAtMs: this.nowMs() + INTERACTION_TOKEN_TTL_MS });
  }

  private ephemeralOwner(i: Interaction, record: MessageRecord): string | null {
    return record.flags & MessageFlags.EPHEMERAL ? i.userId : null;
  }

  /** A message this interaction may read or change through its token. */
  private async messageOf(i: Interaction, messageId: string | null): Promise<MessageRecord> {
    if (!messageId) throw new DomainError('UnknownMessage');
    const eph = this.ephemeral.get(messageId);
    if (eph && eph.userId === i.userId) return eph.record;
    if (!i.messageIds.has(messageId) && messageId !== i.sourceMessageId && messageId !== i.originalMessageId) throw new DomainError('UnknownMessage');
    const record = await this.ctx.messages.get(i.channelId, messageId);
    if (!record) throw new DomainError('UnknownMessage');
    return record;
  }

  private resolveMessageId(i: Interaction, messageId: string): string | null {
    return messageId === '@original' ? i.originalMessageId : messageId;
  }

  /** GET /webhooks/:app/:token/messages/:id (or @original). */
  async getMessage(i: Interaction, messageId: string) {
    return this.writer.serialize(await this.messageOf(i, this.resolveMessageId(i, messageId)));
  }

  /** PATCH /webhooks/:app/:token/messages/:id (or @original). */
  async editMessage(i: Interaction, messageId: string, patch: WebhookMessageInput) {
    const record = await this.messageOf(i, this.resolveMessageId(i, messageId));
    const next = await this.writer.edit(record, patch, this.ephemeralOwner(i, record));
    this.replaceKept(next);
    return this.writer.serialize(next);
  }

  private replaceKept(next: MessageRecord): void {
    const eph = this.ephemeral.get(next.id);
    if (eph) eph.record = next;
  }

  /** DELETE /webhooks/:app/:token/messages/:id (or @original). */
  async deleteMessage(i: Interaction, messageId: string): Promise<void> {
    const record = await this.messageOf(i, this.resolveMessageId(i, messageId));
    await this.writer.delete(record, this.ephemeralOwner(i, record));
    this.ephemeral.delete(record.id);
    if (i.originalMessageId === record.id) i.originalMessageId = null;
  }

  /**
   * POST /webhooks/:app/:token: a follow-up. Right after a deferred response, the first follow-up
   * fills in the placeholder instead (Discord keeps this for backwards compatibility).
   */
  async followUp(i: Interaction, body: WebhookMessageInput) {
    if (i.state.status !== 'acknowledged') throw new DomainError('UnknownWebhook');
    const channel = this.ctx.state.channels.get(i.channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    if (i.state.responseType === 5 && i.originalMessageId) {
      const original = await this.messageOf(i, i.originalMessageId);
      if (original.flags & MessageFlags.LOADING) return this.editMessage(i, '@original', body);
    }
    return this.writer.serialize(await this.createMessage(i, channel, body, false));
  }
}

/** Builds `resolved` while checking that each id exists where the interaction happens. */
class Resolver {
  private readonly users = new Map<string, unknown>();
  private readonly members = new Map<string, unknown>();
  private readonly roles = new Map<string, unknown>();
  private readonly channels = new Map<string, unknown>();
  private readonly messages = new Map<string, unknown>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly g: GuildState | null,
    /** The invoker: resolved channels carry their permissions there. */
    private readonly invokerId: string,
  ) {}

  user(id: string): boolean {
    const u = this.ctx.state.users.get(id);
    if (!u) return false;
    this.users.set(id, userToAPI(u));
    const m = this.g?.members.get(id);
    if (m && this.g) {
      const { user: _user, deaf: _deaf, mute: _mute, ...rest } = memberToAPI(m, u);
      this.members.set(id, { ...rest, permissions: this.g.basePermissions(id).toString() });
    }
    return true;
  }

  role(id: string): boolean {
    const r = this.g?.roles.get(id);
    if (!r) return false;
    this.roles.set(id, roleToAPI(r));
    return true;
  }

  /** A channel the invoker can see (an option or select value naming any other is invalid, so nothing about it leaks to the bot). */
  channel(id: string): ChannelRecord | null {
    const c = this.g?.channels.get(id);
    if (!c || !this.g) return null;
    const permissions = this.g.channelPermissions(c, this.invokerId);
    if (!hasPermission(permissions, PermissionFlags.VIEW_CHANNEL)) return null;
    this.channels.set(id, { id: c.id, name: c.name, type: c.type, parent_id: c.parent_id, permissions: permissions.toString() });
    return c;
  }

  message(m: { id: string }): void {
    this.messages.set(m.id, m);
  }

  result(): APIInteractionResolved | null {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [key, map] of [['users', this.users], ['members', this.members], ['roles', this.roles], ['channels', this.channels], ['messages', this.messages]] as const) {
      if (map.size > 0) out[key] = Object.fromEntries(map);
    }
    return Object.keys(out).length > 0 ? (out as APIInteractionResolved) : null;
  }
}

function countFocused(options: APIInteractionDataOption[]): number {
  let n = 0;
  for (const o of options) n += (o.focused ? 1 : 0) + countFocused(o.options ?? []);
  return n;
}

interface StoredComponent {
  type?: unknown;
  custom_id?: unknown;
  disabled?: unknown;
  min_values?: unknown;
  max_values?: unknown;
  options?: unknown;
  components?: unknown;
}

/** The component with a custom_id among a message's action rows (stored components were validated when sent). */
function findComponent(components: unknown[], customId: string): StoredComponent | null {
  for (const row of components) {
    if (typeof row !== 'object' || row === null || !('components' in row) || !Array.isArray(row.components)) continue;
    for (const c of row.components as unknown[]) {
      if (typeof c === 'object' && c !== null && 'custom_id' in c && c.custom_id === customId) return c as StoredComponent;
    }
  }
  return null;
}

function interactionIdFromToken(token: string): string | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 64) return null;
  const prefix = Buffer.from(token.slice(0, dot), 'base64url').toString();
  const m = /^interaction:(\d{1,20})$/.exec(prefix);
  return m ? m[1]! : null;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
