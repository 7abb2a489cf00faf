// Voice survives a reload, as in Discord's client: when the tab goes away while in a voice channel
// (pagehide), the channel and the mute/deafen flags go to sessionStorage (this tab only); the next
// load rejoins once the gateway is ready, within REJOIN_WINDOW_MS (a tab restored long after does
// not pull the user back into voice). The old page's gateway closed cleanly, which ended its voice
// state, so the others see a short leave and join, as with Discord's reload. That load has had no user gesture, so the AudioContext
// starts suspended: the voice panel shows "Enable Audio", and the first click or key anywhere
// on the page unlocks it (the browser allows resume() inside a gesture).
import { useGuildStore } from '../state/guildStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { audioContextState, unlockAudio } from './audioContext.dom.ts';
import { rejoinVoiceChannel } from './voiceActions.ts';
import { parseRejoinTarget, type RejoinTarget } from './voiceRejoinTarget.ts';
import { useVoiceStore } from './voiceStore.ts';

const REJOIN_KEY = 'concord.voice.rejoin';
const storage = (): Storage | null => ('sessionStorage' in globalThis ? globalThis.sessionStorage : null);

function takeRejoinTarget(): RejoinTarget | null {
  try {
    const raw = storage()?.getItem(REJOIN_KEY) ?? null;
    storage()?.removeItem(REJOIN_KEY);
    return parseRejoinTarget(raw, Date.now());
  } catch (err) {
    console.warn('could not read the voice channel to rejoin', err);
    return null;
  }
}

export function startVoiceRejoin(): () => void {
  const onPageHide = () => {
    const { connection, selfMute, selfDeaf } = useVoiceStore.getState();
    if (connection.status === 'disconnected') return;
    const target: RejoinTarget = { guildId: connection.guildId, channelId: connection.channelId, selfMute, selfDeaf, savedAtMs: Date.now() };
    try {
      storage()?.setItem(REJOIN_KEY, JSON.stringify(target));
    } catch (err) {
      console.warn('could not keep the voice channel for the next load', err);
    }
  };
  window.addEventListener('pagehide', onPageHide);
  // Any click or key on the page is a gesture: the first one lets received audio play (a page that
  // never made a context does not make one here).
  const onGesture = () => {
    if (audioContextState() === 'suspended') unlockAudio();
  };
  window.addEventListener('pointerdown', onGesture, { capture: true });
  window.addEventListener('keydown', onGesture, { capture: true });

  let target = takeRejoinTarget();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tryRejoin = () => {
    if (!target || timer !== null || useSessionStore.getState().session.status !== 'ready') return;
    // The gateway turns 'ready' before READY is applied (which resets voice): rejoin after it.
    timer = setTimeout(() => {
      timer = null;
      const t = target;
      target = null;
      if (t && useGuildStore.getState().channels[t.channelId]) rejoinVoiceChannel(t.guildId, t.channelId, t);
    }, 0);
  };
  const unsubscribe = useSessionStore.subscribe(tryRejoin);
  tryRejoin();
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pointerdown', onGesture, { capture: true });
    window.removeEventListener('keydown', onGesture, { capture: true });
  };
}
