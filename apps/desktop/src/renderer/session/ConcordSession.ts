// One signed-in session: the REST client, the gateway connection and the bridge, wired into the
// stores. `startSession` is called after login (or at boot with a stored token) and
// `endSession` at logout; other modules reach the live session through `getSession()` in
// currentSession.ts, which this module alone sets.
import { ConcordApi, GatewayClient, type GatewayState } from '@concord/client';
import { getBridge } from '../bridge/bridge.ts';
import { useDraftStore } from '../chat/draftStore.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { useReadStateStore } from '../state/readStateStore.ts';
import { useRelationshipStore } from '../dm/relationshipStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { applyReady, handleDispatch } from './dispatch.ts';
import { clearSnapshot, restoreLocation, restoreSnapshot, saveLocation, saveSnapshot } from './snapshot.ts';
import { apiBaseUrl, gatewayOrigin } from './serverUrl.ts';
import { refreshOpenChannel } from '../chat/channelLoader.ts';
import { isObj } from './decoders.ts';
import { resetInteractions } from '../bots/interactions.ts';
import { useApplicationStore } from '../bots/applicationStore.ts';
import { getSession, maybeSession, setCurrentSession, type Session } from './currentSession.ts';
import { startVoiceController } from '../voice/voiceController.dom.ts';
import { followLocalActivities } from './actions.ts';
import { followSignedInSession } from './signedInSession.ts';

const TOKEN_KEY = 'concord.token';

/** While a password change is in flight, the gateway's 4004 (every token revoked) is expected, not a logout. */
let tokenChangeInFlight = false;
let snapshotTimer: ReturnType<typeof setInterval> | null = null;
let unsubscribeLocation: (() => void) | null = null;
let stopVoice: (() => void) | null = null;
let stopLocalActivities: (() => void) | null = null;
let stopSignedInSession: (() => void) | null = null;
const saveOnExit = () => saveSnapshot();

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

async function resolveGatewayUrl(api: ConcordApi): Promise<string> {
  try {
    const res: unknown = await api.rest.get('/gateway');
    if (isObj(res) && typeof res['url'] === 'string' && /^wss?:\/\//.test(res['url'])) return res['url'];
  } catch (err) {
    console.warn('GET /gateway failed; using the page origin', err);
  }
  return `${gatewayOrigin()}/gateway`;
}

export async function startSession(token: string): Promise<void> {
  if (maybeSession()) endSessionLocally();
  localStorage.setItem(TOKEN_KEY, token);
  const bridge = getBridge();
  const settings = await bridge.settings.get();
  useUiStore.getState().setSettings(settings);
  const restored = restoreSnapshot();
  if (!restored) restoreLocation();
  unsubscribeLocation = useUiStore.subscribe((s, prev) => {
    if (s.selectedGuildId !== prev.selectedGuildId || s.channelByGuild !== prev.channelByGuild) saveLocation();
  });
  window.addEventListener('pagehide', saveOnExit);
  const api = new ConcordApi({ baseUrl: apiBaseUrl(), token });
  const sessionStore = useSessionStore.getState();
  sessionStore.setSession({ status: 'connecting', token });

  const gatewayUrl = await resolveGatewayUrl(api);
  const gateway = new GatewayClient({
    url: gatewayUrl,
    token,
    encoding: 'bin',
    properties: { os: bridge.platform, browser: bridge.kind === 'desktop' ? 'Concord Desktop' : 'Concord Web', device: '' },
    presence: { status: useSessionStore.getState().selfStatus, activities: [], since: null, afk: false },
  });
  const session: Session = { api, gateway, bridge, token };
  setCurrentSession(session);
  stopVoice = startVoiceController();
  stopLocalActivities = followLocalActivities();
  stopSignedInSession = followSignedInSession(session);

  let everReady = false;
  gateway.on('stateChange', (_old, next) => onGatewayState(next, token, everReady));
  gateway.on('ready', (ready) => {
    everReady = true;
    applyReady(ready);
    useSessionStore.getState().setApiReachable(true);
    void refreshOpenChannel();
    saveSnapshot();
  });
  gateway.on('resumed', () => {
    useSessionStore.getState().setApiReachable(true);
    void refreshOpenChannel();
  });
  gateway.on('dispatchEvent', (event) => {
    if (event.t !== 'READY') handleDispatch(event.t, event.d);
  });
  gateway.connect();

  if (restored) void refreshOpenChannel();
  snapshotTimer = setInterval(saveSnapshot, 10_000);
}

function onGatewayState(state: GatewayState, token: string, everReady: boolean): void {
  const store = useSessionStore.getState();
  switch (state.status) {
    case 'idle':
    case 'connecting':
    case 'identifying':
    case 'resuming':
      if (store.session.status === 'ready' || store.session.status === 'reconnecting' || everReady) {
        store.setSession({ status: 'reconnecting', token, attempt: state.status === 'connecting' ? state.attempt : 0 });
      } else {
        store.setSession({ status: 'connecting', token });
      }
      return;
    case 'waiting':
      store.setSession({ status: 'reconnecting', token, attempt: state.attempt });
      return;
    case 'ready':
      store.setSession({ status: 'ready', token, sessionId: state.sessionId });
      return;
    case 'closed':
      // 4004: the token was revoked or is wrong. Other fatal codes also need a new login.
      if (state.reason !== 'closed by client' && !tokenChangeInFlight) void endSession(`Your session ended (${state.code}). Please log in again.`);
      return;
    default: {
      const never: never = state;
      throw new Error(`unhandled gateway state ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Changes the password. The server revokes every token of the account (this one too, closing the
 * gateway with 4004) and answers with a new one: the session restarts on it, nothing is logged out.
 */
export async function changePassword(password: string, newPassword: string): Promise<void> {
  const session = getSession();
  tokenChangeInFlight = true;
  try {
    const self = await session.api.modifyMe({ password, new_password: newPassword });
    if (!self.token) throw new Error('the server did not answer with a new token');
    await startSession(self.token);
  } finally {
    tokenChangeInFlight = false;
  }
}

function endSessionLocally(): void {
  stopVoice?.();
  stopVoice = null;
  stopLocalActivities?.();
  stopLocalActivities = null;
  stopSignedInSession?.();
  stopSignedInSession = null;
  maybeSession()?.gateway.close();
  setCurrentSession(null);
  if (snapshotTimer) clearInterval(snapshotTimer);
  snapshotTimer = null;
  unsubscribeLocation?.();
  unsubscribeLocation = null;
  window.removeEventListener('pagehide', saveOnExit);
}

/** Logout: ends the gateway session, revokes nothing locally cached, and wipes the cache. */
export async function endSession(reason: string | null = null): Promise<void> {
  const session = maybeSession();
  endSessionLocally();
  if (session) {
    try {
      await session.api.logout();
    } catch (err) {
      console.warn('logout request failed; the token is dropped locally anyway', err);
    }
    await session.bridge.cache.clear();
  } else {
    await getBridge().cache.clear();
  }
  localStorage.removeItem(TOKEN_KEY);
  clearSnapshot();
  useDraftStore.getState().clearAll();
  useGuildStore.getState().reset();
  useMemberStore.getState().reset();
  useMessageStore.getState().reset();
  useReadStateStore.getState().reset();
  useRelationshipStore.getState().reset();
  useUiStore.getState().reset();
  useApplicationStore.getState().reset();
  resetInteractions();
  useSessionStore.setState({ user: null, session: { status: 'signedOut', reason }, apiReachable: true });
}
