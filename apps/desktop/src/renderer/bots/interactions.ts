// Talking to bots the way Discord's client does: the guild's command index for the "/" picker,
// POST /interactions to run a command (type 2), ask for autocomplete choices (4), click a button
// or pick in a select (3) and submit a modal (5). The server waits for the bot's first answer and
// returns it: choices, a modal to open, or nothing ("did not respond"). Messages the bot sends
// arrive through the gateway like any other.
import { RestError } from '@concord/client';
import { ErrorCode, type APIMessage } from '@concord/protocol';
import { useCommandDraftStore } from './commandDraftStore.ts';
import { useCommandIndexStore } from './commandIndexStore.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { useInteractionStore } from './interactionStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { buildInvocation, fieldErrorsToModalInputs, fieldErrorsToOptions, type SlashEntry } from './slashCommands.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText, makeNonce } from '../session/actions.ts';
import {
  decodeCommandIndex,
  decodeInteractionResult,
  type CommandChoice,
  type IndexedApplication,
  type IndexedCommand,
  type InteractionModal,
  type InteractionResult,
  type MessageComponent,
} from './botDecoders.ts';

/** How long a fetched command index is used before the picker asks again. */
export const COMMAND_INDEX_MAX_AGE_MS = 30_000;

const loadingIndex = new Map<string, Promise<void>>();

export function loadCommandIndex(guildId: string, maxAgeMs = COMMAND_INDEX_MAX_AGE_MS): Promise<void> {
  const cached = useCommandIndexStore.getState().byGuild[guildId];
  if (cached && cached.status === 'ready' && Date.now() - cached.fetchedAtMs < maxAgeMs) return Promise.resolve();
  const running = loadingIndex.get(guildId);
  if (running) return running;
  const p = (async () => {
    const store = useCommandIndexStore.getState();
    store.setLoading(guildId, Date.now());
    try {
      const index = decodeCommandIndex(await getSession().api.commandIndex(guildId));
      if (!index) throw new Error('The server sent a malformed command list.');
      store.setIndex(guildId, index, Date.now());
    } catch (err) {
      store.setFailed(guildId, errorText(err), Date.now());
    }
  })().finally(() => loadingIndex.delete(guildId));
  loadingIndex.set(guildId, p);
  return p;
}

interface Where {
  applicationId: string;
  channelId: string;
}

function body(where: Where, type: 2 | 3 | 4 | 5, data: unknown, extra: Record<string, unknown> = {}) {
  const guildId = useGuildStore.getState().channels[where.channelId]?.guild_id;
  const session = useSessionStore.getState().session;
  return {
    type,
    application_id: where.applicationId,
    channel_id: where.channelId,
    ...(guildId ? { guild_id: guildId } : {}),
    ...(session.status === 'ready' ? { session_id: session.sessionId } : {}),
    nonce: makeNonce(),
    data,
    ...extra,
  };
}

async function post(where: Where, type: 2 | 3 | 4 | 5, data: unknown, extra: Record<string, unknown> = {}): Promise<InteractionResult> {
  const result = decodeInteractionResult(await getSession().api.createInteraction(body(where, type, data, extra)));
  if (!result) throw new Error('The server sent a malformed interaction answer.');
  return result;
}

function openModal(where: Where, modal: InteractionModal, messageId: string | null): void {
  useUiStore.getState().openModal({ kind: 'interactionModal', modal, applicationId: where.applicationId, channelId: where.channelId, messageId });
}

function commandData(entry: SlashEntry, options: unknown[]) {
  return { id: entry.command.id, name: entry.command.name, type: 1, ...(entry.command.version ? { version: entry.command.version } : {}), ...(options.length > 0 ? { options } : {}) };
}

interface CommandRun {
  channelId: string;
  command: IndexedCommand;
  application: IndexedApplication | null;
  /** What the "used …" row shows: "/config set", or a context menu command's name. */
  label: string;
  data: Record<string, unknown>;
}

/**
 * Posts a type 2 interaction with a "Sending command…" row until the bot's first answer: the row
 * goes when an answer came (its message arrives by the gateway), turns into "did not respond"
 * when none did, and a modal answer opens. Errors are removed from the row and rethrown.
 */
async function runCommand(run: CommandRun): Promise<void> {
  const nonce = makeNonce();
  const interactions = useInteractionStore.getState();
  interactions.addSent({
    nonce,
    channelId: run.channelId,
    commandName: run.label,
    botId: run.application?.botId ?? null,
    botName: run.application?.botName ?? run.application?.name ?? 'The application',
    status: 'sending',
    error: null,
    sentAtMs: Date.now(),
  });
  const where = { applicationId: run.command.applicationId, channelId: run.channelId };
  try {
    const result = await post(where, 2, run.data);
    if (result.answer.kind === 'none') interactions.failSent(run.channelId, nonce, 'The application did not respond');
    else interactions.removeSent(run.channelId, nonce);
    if (result.answer.kind === 'modal') openModal(where, result.answer.modal, null);
  } catch (err) {
    interactions.removeSent(run.channelId, nonce);
    throw err;
  }
}

/**
 * Runs the command filled in for a channel. Fields that cannot be sent and the server's 50035
 * errors stay on the form; otherwise the form clears.
 */
export async function sendCommand(channelId: string): Promise<void> {
  const drafts = useCommandDraftStore.getState();
  const draft = drafts.byChannel[channelId];
  if (!draft || draft.sending) return;
  const { entry } = draft;
  const built = buildInvocation(entry, draft.values);
  if (Object.keys(built.errors).length > 0) {
    drafts.update(channelId, (d) => ({
      errors: built.errors,
      general: null,
      focused: Object.keys(built.errors)[0] ?? null,
      shown: [...d.shown, ...Object.keys(built.errors).filter((name) => !d.shown.includes(name))],
    }));
    return;
  }
  drafts.update(channelId, () => ({ sending: true, errors: {}, general: null }));
  try {
    await runCommand({ channelId, command: entry.command, application: entry.application, label: `/${entry.fullName}`, data: commandData(entry, built.options) });
    drafts.cancel(channelId);
  } catch (err) {
    if (err instanceof RestError && err.code === ErrorCode.InvalidFormBody) {
      const mapped = fieldErrorsToOptions(entry, built.sentNames, err.errors);
      drafts.update(channelId, (d) => ({
        sending: false,
        errors: mapped.byOption,
        general: mapped.general.length > 0 ? mapped.general.join(' ') : Object.keys(mapped.byOption).length > 0 ? null : errorText(err),
        focused: Object.keys(mapped.byOption)[0] ?? d.focused,
      }));
    } else {
      drafts.update(channelId, () => ({ sending: false, general: errorText(err) }));
    }
  }
}

/** Runs a message context menu command on a message (type 2 with target_id). */
export async function runMessageCommand(channelId: string, command: IndexedCommand, application: IndexedApplication | null, targetId: string): Promise<void> {
  const data = { id: command.id, name: command.name, type: 3, target_id: targetId, ...(command.version ? { version: command.version } : {}) };
  try {
    await runCommand({ channelId, command, application, label: command.name, data });
  } catch (err) {
    useUiStore.getState().showToast(`${command.name} failed: ${errorText(err)}`);
  }
}

/** Asks the bot for choices for the focused option (type 4); resolves with what it suggested. */
export async function requestAutocomplete(channelId: string, focusedName: string): Promise<CommandChoice[]> {
  const draft = useCommandDraftStore.getState().byChannel[channelId];
  if (!draft) return [];
  const built = buildInvocation(draft.entry, draft.values, focusedName);
  const result = await post({ applicationId: draft.entry.command.applicationId, channelId }, 4, commandData(draft.entry, built.options));
  return result.answer.kind === 'autocomplete' ? result.answer.choices : [];
}

/** The application a message's components belong to: the interaction's, or the author bot's. */
export async function applicationOfMessage(message: APIMessage): Promise<string | null> {
  if (message.application_id) return message.application_id;
  const guildId = message.guild_id ?? useGuildStore.getState().channels[message.channel_id]?.guild_id;
  if (!guildId) return null;
  const find = () => useCommandIndexStore.getState().byGuild[guildId]?.index?.applications.find((a) => a.botId === message.author.id)?.id ?? null;
  if (find()) return find();
  await loadCommandIndex(guildId, 0);
  return find();
}

/** A button click or a select's values (type 3). Shows a spinner on the component meanwhile. */
export async function sendComponentInteraction(message: APIMessage, component: MessageComponent, values: string[] | null): Promise<void> {
  if (!component.customId) return;
  const customId = component.customId;
  const interactions = useInteractionStore.getState();
  interactions.setComponentActivity(message.id, { busy: customId, failed: null });
  try {
    const applicationId = await applicationOfMessage(message);
    if (!applicationId) throw new Error('This message does not belong to an application.');
    const where = { applicationId, channelId: message.channel_id };
    const data = { component_type: component.type, custom_id: customId, ...(values ? { values } : {}) };
    const result = await post(where, 3, data, { message_id: message.id, message_flags: message.flags });
    if (result.answer.kind === 'none') {
      interactions.setComponentActivity(message.id, { busy: null, failed: 'This interaction failed' });
      return;
    }
    interactions.setComponentActivity(message.id, { busy: null, failed: null });
    if (result.answer.kind === 'modal') openModal(where, result.answer.modal, message.id);
  } catch (err) {
    interactions.setComponentActivity(message.id, { busy: null, failed: `This interaction failed: ${errorText(err)}` });
  }
}

export type ModalSubmitOutcome = { status: 'done' } | { status: 'invalid'; byInput: Record<string, string>; general: string | null } | { status: 'failed'; error: string };

/** Submits a modal's text inputs (type 5). */
export async function submitModal(where: Where, modal: InteractionModal, messageId: string | null, values: Readonly<Record<string, string>>): Promise<ModalSubmitOutcome> {
  const data = {
    custom_id: modal.customId,
    components: modal.inputs.map((input) => ({ type: 1, components: [{ type: 4, custom_id: input.customId, value: values[input.customId] ?? '' }] })),
  };
  try {
    const result = await post(where, 5, data, messageId ? { message_id: messageId } : {});
    if (result.answer.kind === 'none') return { status: 'failed', error: 'The application did not respond. Try again.' };
    if (result.answer.kind === 'modal') openModal(where, result.answer.modal, messageId);
    return { status: 'done' };
  } catch (err) {
    if (err instanceof RestError && err.code === ErrorCode.InvalidFormBody) {
      const mapped = fieldErrorsToModalInputs(
        modal.inputs.map((i) => i.customId),
        err.errors,
      );
      return { status: 'invalid', byInput: mapped.byInput, general: mapped.general.length > 0 ? mapped.general.join(' ') : null };
    }
    return { status: 'failed', error: errorText(err) };
  }
}

/** "Dismiss message" on an ephemeral message: it only ever lived in this client. */
export function dismissEphemeral(channelId: string, messageId: string): void {
  useMessageStore.getState().deleteMessages(channelId, [messageId]);
}

/** Clears everything interaction-related at logout. */
export function resetInteractions(): void {
  useCommandIndexStore.getState().reset();
  useCommandDraftStore.getState().reset();
  useInteractionStore.getState().reset();
}
