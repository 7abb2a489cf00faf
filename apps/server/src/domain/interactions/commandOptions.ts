// Checks a command invocation's options against the command's definitions, one level at a time
// (sub-command groups and sub-commands nest), and returns Discord's option objects for the bot.
// Every problem is collected, so one 50035 names them all.
import {
  ApplicationCommandOptionType as Opt,
  type APIApplicationCommandOption,
  type APIInteractionDataOption,
  type CommandInvocation,
} from '@concord/protocol';
import type { FieldErrorList } from '../FieldErrorList.ts';
import type { ResolvableTargets } from './Resolver.ts';

export type GivenOptions = NonNullable<CommandInvocation['options']>;

/** One level of options against its definitions; returns Discord's option objects for the bot. */
export function validateOptions(
  defs: readonly APIApplicationCommandOption[],
  given: GivenOptions,
  path: (string | number)[],
  errors: FieldErrorList,
  targets: ResolvableTargets,
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
      const children = validateOptions(def.options ?? [], o.options ?? [], [...at, 'options'], errors, targets, autocomplete);
      out.push({ name: o.name, type: o.type, options: children });
      return;
    }
    if (o.focused) {
      // A partially typed value: only its type matters; the bot suggests the rest.
      if (!autocomplete || !def.autocomplete) return errors.add([...at, 'focused'], 'INTERACTION_FOCUSED_OPTION_INVALID', 'This option has no autocomplete');
      out.push({ name: o.name, type: o.type, value: o.value ?? '', focused: true });
      return;
    }
    const value = checkOptionValue(def, o.value, [...at, 'value'], errors, targets);
    if (value !== undefined) out.push({ name: o.name, type: o.type, value });
  });
  if (!hasSubcommands && !autocomplete) {
    for (const def of defs) if (def.required && !seen.has(def.name)) errors.add(path, 'BASE_TYPE_REQUIRED', `Option "${def.name}" is required`);
  }
  return out;
}

/** One value against its definition: the value to send the bot, or undefined with an error added. */
export function checkOptionValue(def: APIApplicationCommandOption, value: unknown, at: (string | number)[], errors: FieldErrorList, targets: ResolvableTargets): string | number | boolean | undefined {
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
      return typeof value === 'string' && targets.user(value) ? value : fail('USER_INVALID', 'Unknown user');
    case Opt.ROLE:
      return typeof value === 'string' && targets.role(value) ? value : fail('ROLE_INVALID', 'Unknown role');
    case Opt.MENTIONABLE:
      return typeof value === 'string' && (targets.role(value) || targets.user(value)) ? value : fail('MENTIONABLE_INVALID', 'Unknown user or role');
    case Opt.CHANNEL: {
      if (typeof value !== 'string') return fail('CHANNEL_INVALID', 'Unknown channel');
      const channel = targets.channel(value);
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

/** How many options (at any depth) are focused: an autocomplete request has exactly one. */
export function countFocused(options: readonly APIInteractionDataOption[]): number {
  let n = 0;
  for (const o of options) n += (o.focused ? 1 : 0) + countFocused(o.options ?? []);
  return n;
}
