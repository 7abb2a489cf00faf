// A slash command or context-menu invocation: the command must be the app's, registered where it is
// used, allowed in this kind of channel and for the member's permissions; its options are checked
// and the users, roles, channels and messages they name are resolved for the bot.
import { ChannelType, InteractionContextType, type APIApplicationCommandOption, type CommandInvocation } from '@concord/protocol';
import type { ApplicationRecord, CommandRecord } from '../../store/botRecords.ts';
import type { ChannelRecord } from '../../store/records.ts';
import type { CommandService } from '../CommandService.ts';
import type { DomainContext } from '../DomainContext.ts';
import { DomainError } from '../DomainError.ts';
import type { GuildState } from '../DomainState.ts';
import { FieldErrorList } from '../FieldErrorList.ts';
import type { WebhookMessageWriter } from '../WebhookMessageWriter.ts';
import { countFocused, validateOptions } from './commandOptions.ts';
import { Resolver } from './Resolver.ts';

/** The command invoked: it must belong to the app, exist in this scope, fit the context and the member's permissions. */
export function commandFor(commands: CommandService, app: ApplicationRecord, g: GuildState | null, channel: ChannelRecord, data: CommandInvocation, permissions: bigint): CommandRecord {
  const command = commands.get(data.id);
  const inScope = command && command.application_id === app.id && (command.guild_id === null || command.guild_id === g?.id);
  if (!command || !inScope || command.name !== data.name || (data.type !== undefined && data.type !== command.type)) {
    throw new DomainError('UnknownApplicationCommand');
  }
  if (!g) {
    const context = channel.type === ChannelType.DM ? InteractionContextType.BOT_DM : InteractionContextType.PRIVATE_CHANNEL;
    if (command.guild_id !== null || !command.dm_permission || (command.contexts && !command.contexts.includes(context))) throw new DomainError('MissingAccess');
  } else if (command.contexts && !command.contexts.includes(InteractionContextType.GUILD)) throw new DomainError('MissingAccess');
  if (g && !commands.usableBy(command, permissions)) throw new DomainError('MissingPermissions');
  return command;
}

export interface CommandDataInput {
  command: CommandRecord;
  input: CommandInvocation;
  channel: ChannelRecord;
  g: GuildState | null;
  autocomplete: boolean;
  invokerId: string;
}

/** data of a command interaction: validated options and the resolved users, members, roles, channels, messages. */
export async function commandData(ctx: DomainContext, writer: WebhookMessageWriter, c: CommandDataInput): Promise<Record<string, unknown>> {
  const { command, input, channel, g, autocomplete, invokerId } = c;
  const errors = new FieldErrorList();
  const resolved = new Resolver(ctx, g, invokerId);
  const out: Record<string, unknown> = { id: command.id, name: command.name, type: command.type };
  if (command.guild_id) out['guild_id'] = command.guild_id;
  if (command.type === 1) {
    const defs = command.options as APIApplicationCommandOption[];
    const options = validateOptions(defs, input.options ?? [], ['data', 'options'], errors, resolved, autocomplete);
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
      const target = await ctx.messages.get(channel.id, input.target_id);
      if (!target) throw new DomainError('UnknownMessage');
      resolved.message(writer.serialize(target));
    }
  }
  const r = resolved.result();
  if (r) out['resolved'] = r;
  return out;
}
