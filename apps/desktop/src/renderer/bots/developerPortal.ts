// The developer portal's actions: list and create applications, give one a bot user, reset the
// bot's token and switch privileged intents. Answers pass the bot decoders before they reach
// the application store; tokens are returned to the caller and never stored.
import { useApplicationStore } from './applicationStore.ts';
import { withIntent, type PrivilegedIntent } from './privilegedIntents.ts';
import { getSession } from '../session/currentSession.ts';
import { decodeApplication, decodeApplicationList, decodeBotToken, type DevApplication } from './botDecoders.ts';
import { errorText } from '../session/actions.ts';

function malformed(what: string): Error {
  return new Error(`The server sent a malformed ${what}.`);
}

export async function loadApplications(): Promise<void> {
  const store = useApplicationStore.getState();
  if (store.list.status !== 'ready') store.setList({ status: 'loading' });
  try {
    const apps = decodeApplicationList(await getSession().api.listApplications());
    if (!apps) throw malformed('application list');
    store.setList({ status: 'ready', applications: apps.sort((a, b) => a.name.localeCompare(b.name)) });
  } catch (err) {
    store.setList({ status: 'failed', error: errorText(err) });
  }
}

export async function createApplication(name: string): Promise<DevApplication> {
  const app = decodeApplication(await getSession().api.createApplication({ name }));
  if (!app) throw malformed('application');
  useApplicationStore.getState().upsert(app);
  return app;
}

/** Creates the bot user; resolves with its first token (shown once). */
export async function createBot(app: DevApplication): Promise<string> {
  const answer = decodeBotToken(await getSession().api.createBot(app.id));
  if (!answer) throw malformed('bot token');
  const refreshed = decodeApplication(await getSession().api.rest.get<unknown>(`/applications/${app.id}`));
  useApplicationStore.getState().upsert(refreshed ?? { ...app, bot: answer.user });
  return answer.token;
}

/** A new token; the old one stops working at once. */
export async function resetBotToken(app: DevApplication): Promise<string> {
  const answer = decodeBotToken(await getSession().api.resetBotToken(app.id));
  if (!answer) throw malformed('bot token');
  return answer.token;
}

export async function setPrivilegedIntent(app: DevApplication, intent: PrivilegedIntent, on: boolean): Promise<DevApplication> {
  const updated = decodeApplication(await getSession().api.modifyApplication(app.id, { flags: withIntent(app.flags, intent, on) }));
  if (!updated) throw malformed('application');
  useApplicationStore.getState().upsert(updated);
  return updated;
}
