// The "/" picker's logic, free of React: which commands a guild offers (sub-commands flattened to
// "config channel set" as Discord lists them), how typed text ranks them, how the option fields a
// user filled become the typed `options` of POST /interactions, and how the server's 50035 field
// errors map back onto those fields.
import { ApplicationCommandOptionType as Opt, type FieldErrors } from '@concord/protocol';
import type { CommandIndex, CommandOption, IndexedApplication, IndexedCommand } from './botDecoders.ts';

/** One runnable entry of the picker: a chat-input command, or one of its (grouped) sub-commands. */
export interface SlashEntry {
  key: string;
  command: IndexedCommand;
  application: IndexedApplication | null;
  /** Sub-command group and sub-command names under the command, outermost first. */
  path: string[];
  /** "echo", or "config channel set". */
  fullName: string;
  description: string;
  /** The value options of the leaf. */
  options: CommandOption[];
}

const isSub = (o: CommandOption) => o.type === Opt.SUB_COMMAND || o.type === Opt.SUB_COMMAND_GROUP;

export function slashEntries(index: CommandIndex): SlashEntry[] {
  const apps = new Map(index.applications.map((a) => [a.id, a]));
  const out: SlashEntry[] = [];
  for (const command of index.commands) {
    if (command.type !== 1) continue;
    const application = apps.get(command.applicationId) ?? null;
    const walk = (options: CommandOption[], path: string[], description: string) => {
      const subs = options.filter(isSub);
      if (subs.length === 0) {
        out.push({ key: [command.id, ...path].join(' '), command, application, path, fullName: [command.name, ...path].join(' '), description, options });
        return;
      }
      for (const sub of subs) walk(sub.options, [...path, sub.name], sub.description);
    };
    walk(command.options, [], command.description);
  }
  return out.sort((a, b) => a.fullName.localeCompare(b.fullName));
}

/** The message commands (the message menu's "Apps") of a guild's bots, by name. */
export function messageCommands(index: CommandIndex | null | undefined): { command: IndexedCommand; application: IndexedApplication | null }[] {
  if (!index) return [];
  return index.commands
    .filter((c) => c.type === 3)
    .map((command) => ({ command, application: index.applications.find((a) => a.id === command.applicationId) ?? null }))
    .sort((a, b) => a.command.name.localeCompare(b.command.name));
}

/** The query of a draft that is a command being typed ("/ec" -> "ec"), or null. */
export function slashQuery(draft: string): string | null {
  const m = /^\/([^\s/]*)$/u.exec(draft);
  return m ? m[1]!.toLowerCase() : null;
}

/** Entries matching a query: name prefixes first, then words of the full name, then substrings. */
export function filterEntries(entries: readonly SlashEntry[], query: string): SlashEntry[] {
  const q = query.toLowerCase();
  if (!q) return entries.slice();
  const rank = (e: SlashEntry): number => {
    const name = e.fullName.toLowerCase();
    if (name.startsWith(q)) return 0;
    if (name.split(' ').some((w) => w.startsWith(q))) return 1;
    if (name.includes(q)) return 2;
    return -1;
  };
  return entries
    .map((e) => [e, rank(e)] as const)
    .filter(([, r]) => r >= 0)
    .sort((a, b) => a[1] - b[1])
    .map(([e]) => e);
}

/** What a user entered in one option field: the text typed and, for pickers, what was picked. */
export interface OptionDraft {
  text: string;
  picked: { value: string | number | boolean; label: string } | null;
}

export const emptyDraft = (): OptionDraft => ({ text: '', picked: null });

export type OptionValueResult =
  | { status: 'empty' }
  | { status: 'ok'; value: string | number | boolean }
  | { status: 'invalid'; error: string };

const MENTION = /^<(@[!&]?|#)(\d{1,20})>$/;

/**
 * The typed value of one field. Only what cannot be sent at all is refused here (a word in a
 * number field, a user who is not picked); limits, lengths and choices are the server's to check,
 * so the user sees its 50035 answer.
 */
export function optionValue(option: CommandOption, draft: OptionDraft | undefined): OptionValueResult {
  if (!draft) return { status: 'empty' };
  if (draft.picked && draft.text === draft.picked.label) return { status: 'ok', value: draft.picked.value };
  const text = draft.text.trim();
  if (text === '') return { status: 'empty' };
  switch (option.type) {
    case Opt.STRING:
      return { status: 'ok', value: draft.text };
    case Opt.INTEGER:
      return /^[-+]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? { status: 'ok', value: Number(text) } : { status: 'invalid', error: 'Must be a whole number.' };
    case Opt.NUMBER: {
      const n = Number(text);
      return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) && Number.isFinite(n) ? { status: 'ok', value: n } : { status: 'invalid', error: 'Must be a number.' };
    }
    case Opt.BOOLEAN:
      if (/^(true|yes)$/i.test(text)) return { status: 'ok', value: true };
      if (/^(false|no)$/i.test(text)) return { status: 'ok', value: false };
      return { status: 'invalid', error: 'Pick True or False.' };
    case Opt.USER:
    case Opt.CHANNEL:
    case Opt.ROLE:
    case Opt.MENTIONABLE: {
      const m = MENTION.exec(text);
      if (m) return { status: 'ok', value: m[2]! };
      if (/^\d{1,20}$/.test(text)) return { status: 'ok', value: text };
      const what = option.type === Opt.USER ? 'a member' : option.type === Opt.CHANNEL ? 'a channel' : option.type === Opt.ROLE ? 'a role' : 'a member or a role';
      return { status: 'invalid', error: `Pick ${what} from the list.` };
    }
    default:
      return { status: 'invalid', error: 'This option type is not supported here.' };
  }
}

export interface InvokedOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: InvokedOption[];
  focused?: boolean;
}

export interface BuiltInvocation {
  /** `data.options` of the interaction, nested under the sub-command path. */
  options: InvokedOption[];
  /** The names of the leaf options in the order they were sent (to map 50035 indexes back). */
  sentNames: string[];
  /** Fields that cannot be sent, by option name. */
  errors: Record<string, string>;
}

/**
 * Builds `data.options`. For autocomplete (`focusedName`) the focused field goes as typed, with
 * `focused: true`, required fields may be missing and unparseable ones are left out.
 */
export function buildInvocation(entry: SlashEntry, drafts: Readonly<Record<string, OptionDraft>>, focusedName: string | null = null): BuiltInvocation {
  const leaf: InvokedOption[] = [];
  const sentNames: string[] = [];
  const errors: Record<string, string> = {};
  for (const option of entry.options) {
    const draft = drafts[option.name];
    if (option.name === focusedName) {
      // Discord sends the partial text as it stands, whatever the option's type.
      leaf.push({ name: option.name, type: option.type, value: draft?.text ?? '', focused: true });
      sentNames.push(option.name);
      continue;
    }
    const result = optionValue(option, draft);
    if (result.status === 'ok') {
      leaf.push({ name: option.name, type: option.type, value: result.value });
      sentNames.push(option.name);
    } else if (focusedName === null) {
      if (result.status === 'invalid') errors[option.name] = result.error;
      else if (option.required) errors[option.name] = 'This field is required.';
    }
  }
  let options = leaf;
  for (let i = entry.path.length - 1; i >= 0; i--) {
    const name = entry.path[i]!;
    options = [{ name, type: i === entry.path.length - 1 ? Opt.SUB_COMMAND : Opt.SUB_COMMAND_GROUP, options }];
  }
  return { options, sentNames, errors };
}

function messagesIn(node: FieldErrors | { code: string; message: string }[] | undefined): string[] {
  if (!node) return [];
  if (Array.isArray(node)) return node.map((e) => e.message);
  const out: string[] = [];
  for (const value of Object.values(node)) out.push(...messagesIn(value));
  return out;
}

function child(node: FieldErrors | undefined, key: string): FieldErrors | undefined {
  const next = node?.[key];
  return next && !Array.isArray(next) ? next : undefined;
}

/**
 * Maps Discord's nested field errors of an invocation (`data.options[.0.options…].N.value`) onto
 * the option fields; what names no field (a missing required option, an unknown command) is
 * returned as `general`.
 */
export function fieldErrorsToOptions(entry: SlashEntry, sentNames: readonly string[], errors: FieldErrors | undefined): { byOption: Record<string, string>; general: string[] } {
  const byOption: Record<string, string> = {};
  const general: string[] = [];
  let node = child(child(errors, 'data'), 'options');
  for (let depth = 0; depth < entry.path.length && node; depth++) {
    general.push(...messagesIn(node._errors));
    node = child(child(node, '0'), 'options');
  }
  if (node) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '_errors') {
        general.push(...messagesIn(value));
        continue;
      }
      const name = /^\d+$/.test(key) ? sentNames[Number(key)] : undefined;
      const messages = messagesIn(value);
      if (name && messages.length > 0) byOption[name] = messages.join(' ');
      else general.push(...messages);
    }
  }
  // Anything outside data.options (type, data.name, …) is still worth showing.
  if (errors) {
    for (const [key, value] of Object.entries(errors)) {
      if (key === 'data') {
        for (const [k, v] of Object.entries(child(errors, 'data') ?? {})) if (k !== 'options') general.push(...messagesIn(v));
      } else general.push(...messagesIn(value));
    }
  }
  return { byOption, general };
}

/** Field errors of a modal submission (`data.components.N`), by the text input's custom_id. */
export function fieldErrorsToModalInputs(customIds: readonly string[], errors: FieldErrors | undefined): { byInput: Record<string, string>; general: string[] } {
  const byInput: Record<string, string> = {};
  const general: string[] = [];
  const components = child(child(errors, 'data'), 'components');
  for (const [key, value] of Object.entries(components ?? {})) {
    const id = /^\d+$/.test(key) ? customIds[Number(key)] : undefined;
    const messages = messagesIn(value);
    if (id && messages.length > 0) byInput[id] = messages.join(' ');
    else general.push(...messages);
  }
  for (const [key, value] of Object.entries(errors ?? {})) if (key !== 'data') general.push(...messagesIn(value));
  return { byInput, general };
}

/** "text: What to say" lines of the options a command takes, for the picker rows. */
export function optionSummary(entry: SlashEntry): string {
  return entry.options.map((o) => (o.required ? o.name : `[${o.name}]`)).join(' ');
}

export const OPTION_TYPE_LABELS: Record<number, string> = {
  [Opt.STRING]: 'text',
  [Opt.INTEGER]: 'whole number',
  [Opt.NUMBER]: 'number',
  [Opt.BOOLEAN]: 'true / false',
  [Opt.USER]: 'member',
  [Opt.CHANNEL]: 'channel',
  [Opt.ROLE]: 'role',
  [Opt.MENTIONABLE]: 'member or role',
  [Opt.ATTACHMENT]: 'file',
};
