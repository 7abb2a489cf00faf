// Hand-written decoders for the bot platform's shapes: developer-portal applications, the guild
// command index of the "/" picker, POST /interactions answers (autocomplete choices, modals) and
// what bots attach to messages (components, interaction_metadata). APIMessage keeps `components`
// and `interaction_metadata` as `unknown` (bots may put anything there through
// POST /channels/:id/messages), so the message views narrow them here; a malformed entry is
// dropped, never half-rendered.
import type { APIUser } from '@concord/protocol';
import { isId, isNum, isObj, isStr, isUser, type Obj } from '../session/decoders.ts';

const isInt = (x: unknown): x is number => Number.isInteger(x);
const str = (x: unknown): string | null => (isStr(x) ? x : null);
const num = (x: unknown): number | null => (isNum(x) ? x : null);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

// ------------------------------------------------------------------ developer portal

export interface DevApplication {
  id: string;
  name: string;
  description: string;
  flags: number;
  /** The bot user, once created. */
  bot: APIUser | null;
}

export function decodeApplication(x: unknown): DevApplication | null {
  if (!isObj(x) || !isId(x['id']) || !isStr(x['name']) || !isInt(x['flags'])) return null;
  return { id: x['id'], name: x['name'], description: str(x['description']) ?? '', flags: x['flags'], bot: isUser(x['bot']) ? x['bot'] : null };
}

export function decodeApplicationList(x: unknown): DevApplication[] | null {
  if (!Array.isArray(x)) return null;
  const out: DevApplication[] = [];
  for (const item of x) {
    const app = decodeApplication(item);
    if (!app) return null;
    out.push(app);
  }
  return out;
}

/** POST /applications/:id/bot answers {token, user}; /bot/reset answers {token}. */
export function decodeBotToken(x: unknown): { token: string; user: APIUser | null } | null {
  if (!isObj(x) || !isStr(x['token']) || x['token'].length === 0) return null;
  return { token: x['token'], user: isUser(x['user']) ? x['user'] : null };
}

// ------------------------------------------------------------------ application commands

export interface CommandChoice {
  name: string;
  value: string | number;
}

export interface CommandOption {
  type: number;
  name: string;
  description: string;
  required: boolean;
  choices: CommandChoice[];
  /** Sub-commands and groups only. */
  options: CommandOption[];
  channelTypes: number[];
  minValue: number | null;
  maxValue: number | null;
  minLength: number | null;
  maxLength: number | null;
  autocomplete: boolean;
}

export interface IndexedCommand {
  id: string;
  applicationId: string;
  type: number;
  name: string;
  description: string;
  options: CommandOption[];
  version: string | null;
}

export interface IndexedApplication {
  id: string;
  name: string;
  botId: string;
  botName: string | null;
}

export interface CommandIndex {
  applications: IndexedApplication[];
  commands: IndexedCommand[];
}

function decodeChoice(x: unknown): CommandChoice | null {
  if (!isObj(x) || !isStr(x['name']) || !(isStr(x['value']) || isNum(x['value']))) return null;
  return { name: x['name'], value: x['value'] };
}

function decodeChoices(x: unknown): CommandChoice[] {
  return arr(x).map(decodeChoice).filter((c): c is CommandChoice => c !== null);
}

/** Options nest at most three levels (group > sub-command > option); deeper input is cut off. */
function decodeOption(x: unknown, depth: number): CommandOption | null {
  if (!isObj(x) || !isInt(x['type']) || !isStr(x['name'])) return null;
  return {
    type: x['type'],
    name: x['name'],
    description: str(x['description']) ?? '',
    required: x['required'] === true,
    choices: decodeChoices(x['choices']),
    options: depth < 2 ? decodeOptions(x['options'], depth + 1) : [],
    channelTypes: arr(x['channel_types']).filter(isInt),
    minValue: num(x['min_value']),
    maxValue: num(x['max_value']),
    minLength: num(x['min_length']),
    maxLength: num(x['max_length']),
    autocomplete: x['autocomplete'] === true,
  };
}

function decodeOptions(x: unknown, depth: number): CommandOption[] {
  return arr(x).map((o) => decodeOption(o, depth)).filter((o): o is CommandOption => o !== null);
}

function decodeCommand(x: unknown): IndexedCommand | null {
  if (!isObj(x) || !isId(x['id']) || !isId(x['application_id']) || !isStr(x['name'])) return null;
  return {
    id: x['id'],
    applicationId: x['application_id'],
    type: isInt(x['type']) ? x['type'] : 1,
    name: x['name'],
    description: str(x['description']) ?? '',
    options: decodeOptions(x['options'], 0),
    version: isId(x['version']) ? x['version'] : null,
  };
}

function decodeIndexedApplication(x: unknown): IndexedApplication | null {
  if (!isObj(x) || !isId(x['id']) || !isStr(x['name']) || !isId(x['bot_id'])) return null;
  const bot = x['bot'];
  return { id: x['id'], name: x['name'], botId: x['bot_id'], botName: isObj(bot) ? str(bot['username']) : null };
}

/** GET /guilds/:id/application-command-index. Entries that fail are skipped, the rest is kept. */
export function decodeCommandIndex(x: unknown): CommandIndex | null {
  if (!isObj(x) || !Array.isArray(x['applications']) || !Array.isArray(x['application_commands'])) return null;
  const applications = x['applications'].map(decodeIndexedApplication).filter((a): a is IndexedApplication => a !== null);
  const known = new Set(applications.map((a) => a.id));
  const commands = x['application_commands'].map(decodeCommand).filter((c): c is IndexedCommand => c !== null && known.has(c.applicationId));
  return { applications, commands };
}

// ------------------------------------------------------------------ message components

export interface ComponentEmoji {
  id: string | null;
  name: string;
}

export interface ButtonComponent {
  type: 2;
  /** 1 primary, 2 secondary, 3 success, 4 danger, 5 link (6, premium, is not rendered). */
  style: 1 | 2 | 3 | 4 | 5;
  label: string | null;
  emoji: ComponentEmoji | null;
  customId: string | null;
  url: string | null;
  disabled: boolean;
}

export interface SelectOption {
  label: string;
  value: string;
  description: string | null;
  emoji: ComponentEmoji | null;
  default: boolean;
}

export interface SelectComponent {
  /** 3 string, 5 user, 6 role, 7 mentionable, 8 channel. */
  type: 3 | 5 | 6 | 7 | 8;
  customId: string;
  placeholder: string | null;
  minValues: number;
  maxValues: number;
  disabled: boolean;
  /** String selects only. */
  options: SelectOption[];
  channelTypes: number[];
}

export type MessageComponent = ButtonComponent | SelectComponent;

export interface ActionRow {
  components: MessageComponent[];
}

function decodeEmoji(x: unknown): ComponentEmoji | null {
  if (!isObj(x)) return null;
  const name = str(x['name']);
  if (!name) return null;
  return { id: isId(x['id']) ? x['id'] : null, name };
}

function decodeButton(x: Obj): ButtonComponent | null {
  const style = x['style'];
  if (style !== 1 && style !== 2 && style !== 3 && style !== 4 && style !== 5) return null;
  const customId = str(x['custom_id']);
  const url = str(x['url']);
  if (style === 5 ? !url : !customId) return null;
  const label = str(x['label']);
  const emoji = decodeEmoji(x['emoji']);
  if (!label && !emoji) return null;
  return { type: 2, style, label, emoji, customId, url, disabled: x['disabled'] === true };
}

function decodeSelectOption(x: unknown): SelectOption | null {
  if (!isObj(x) || !isStr(x['label']) || !isStr(x['value'])) return null;
  return { label: x['label'], value: x['value'], description: str(x['description']), emoji: decodeEmoji(x['emoji']), default: x['default'] === true };
}

function decodeSelect(x: Obj, type: SelectComponent['type']): SelectComponent | null {
  const customId = str(x['custom_id']);
  if (!customId) return null;
  const options = arr(x['options']).map(decodeSelectOption).filter((o): o is SelectOption => o !== null);
  if (type === 3 && options.length === 0) return null;
  const minValues = isInt(x['min_values']) ? Math.max(0, Math.min(25, x['min_values'])) : 1;
  const maxCap = type === 3 ? options.length : 25;
  const maxValues = isInt(x['max_values']) ? Math.max(1, Math.min(maxCap, x['max_values'])) : 1;
  return { type, customId, placeholder: str(x['placeholder']), minValues: Math.min(minValues, maxValues), maxValues, disabled: x['disabled'] === true, options, channelTypes: arr(x['channel_types']).filter(isInt) };
}

function decodeComponent(x: unknown): MessageComponent | null {
  if (!isObj(x)) return null;
  const type = x['type'];
  if (type === 2) return decodeButton(x);
  if (type === 3 || type === 5 || type === 6 || type === 7 || type === 8) return decodeSelect(x, type);
  return null;
}

/** A message's action rows (at most 5, each with up to 5 buttons or one select). */
export function decodeComponents(x: unknown): ActionRow[] {
  const rows: ActionRow[] = [];
  for (const row of arr(x).slice(0, 5)) {
    if (!isObj(row) || row['type'] !== 1) continue;
    const components = arr(row['components']).slice(0, 5).map(decodeComponent).filter((c): c is MessageComponent => c !== null);
    if (components.length > 0) rows.push({ components });
  }
  return rows;
}

// ------------------------------------------------------------------ interactions

export interface InteractionMetadata {
  /** 2 command, 3 component, 5 modal submit. */
  type: number;
  /** The command's name (commands only). */
  name: string | null;
  /** 1 slash command, 2 user and 3 message context menu command. */
  commandType: number;
  /** Components and modals: the message that was interacted with. */
  interactedMessageId: string | null;
  user: APIUser | null;
}

/** `interaction_metadata` of an interaction response, or the older `interaction` field. */
export function decodeInteractionMetadata(metadata: unknown, legacy?: unknown): InteractionMetadata | null {
  const x = isObj(metadata) ? metadata : isObj(legacy) ? legacy : null;
  if (!x || !isInt(x['type'])) return null;
  return {
    type: x['type'],
    name: str(x['name']),
    commandType: isInt(x['command_type']) ? x['command_type'] : 1,
    interactedMessageId: isId(x['interacted_message_id']) ? x['interacted_message_id'] : null,
    user: isUser(x['user']) ? x['user'] : null,
  };
}

export interface ModalTextInput {
  customId: string;
  /** 1 short, 2 paragraph. */
  style: 1 | 2;
  label: string;
  minLength: number;
  maxLength: number;
  required: boolean;
  value: string;
  placeholder: string | null;
}

export interface InteractionModal {
  customId: string;
  title: string;
  inputs: ModalTextInput[];
}

function decodeTextInput(x: unknown): ModalTextInput | null {
  if (!isObj(x) || x['type'] !== 4 || !isStr(x['custom_id']) || !isStr(x['label'])) return null;
  return {
    customId: x['custom_id'],
    style: x['style'] === 2 ? 2 : 1,
    label: x['label'],
    minLength: isInt(x['min_length']) ? x['min_length'] : 0,
    maxLength: isInt(x['max_length']) ? x['max_length'] : 4000,
    required: x['required'] !== false,
    value: str(x['value']) ?? '',
    placeholder: str(x['placeholder']),
  };
}

export function decodeModal(x: unknown): InteractionModal | null {
  if (!isObj(x) || !isStr(x['custom_id']) || !isStr(x['title'])) return null;
  const inputs: ModalTextInput[] = [];
  for (const row of arr(x['components'])) {
    if (!isObj(row)) return null;
    for (const c of arr(row['components'])) {
      const input = decodeTextInput(c);
      if (!input) return null;
      inputs.push(input);
    }
  }
  return inputs.length > 0 ? { customId: x['custom_id'], title: x['title'], inputs } : null;
}

/** What the bot answered first, as the invoker's POST /interactions reports it. */
export type InteractionAnswer =
  | { kind: 'none' }
  | { kind: 'message'; type: number }
  | { kind: 'autocomplete'; choices: CommandChoice[] }
  | { kind: 'modal'; modal: InteractionModal };

export interface InteractionResult {
  id: string;
  answer: InteractionAnswer;
}

export function decodeInteractionResult(x: unknown): InteractionResult | null {
  if (!isObj(x) || !isId(x['id'])) return null;
  const response = x['response'];
  if (response === null || response === undefined) return { id: x['id'], answer: { kind: 'none' } };
  if (!isObj(response) || !isInt(response['type'])) return null;
  const data = response['data'];
  switch (response['type']) {
    case 8: {
      if (!isObj(data)) return null;
      return { id: x['id'], answer: { kind: 'autocomplete', choices: decodeChoices(data['choices']) } };
    }
    case 9: {
      const modal = decodeModal(data);
      return modal ? { id: x['id'], answer: { kind: 'modal', modal } } : null;
    }
    default:
      return { id: x['id'], answer: { kind: 'message', type: response['type'] } };
  }
}
