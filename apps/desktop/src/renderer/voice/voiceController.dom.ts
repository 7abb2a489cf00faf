// Wires the voice store to a VoiceEngine for one signed-in session: a `connecting` connection
// gets an engine dialled at its endpoint (again, with a backoff, after a drop), `disconnected`
// closes it; self flags, our server mute, per-user audio and settings flow to the engine; its events (connected,
// lost, ping, speaking, input level) flow back. Also carries out the keybinds (push-to-talk,
// push-to-mute, toggle mute / deafen) from the desktop's global hotkeys or, without them, keys
// pressed while the app has focus.
import { getBridge } from '../bridge/bridge.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { maybeSession } from '../session/currentSession.ts';
import { keyEventMatches, keyUpEndsHold, parseAccelerator, type Accelerator } from '../../shared/accelerator.ts';
import { HELD_HOTKEY_ACTIONS, HOTKEY_ACTIONS, type HotkeyAction, type HotkeyEvent } from '../../shared/hotkeysBridge.ts';
import { NativeVoiceEngineWithFallback, nativeVoiceUnavailableReason } from './NativeVoiceEngineWithFallback.dom.ts';
import { leaveVoice, toggleSelfDeafen, toggleSelfMute } from './voiceActions.ts';
import type { VoiceEngine, VoiceEngineFactory } from './VoiceEngine.ts';
import { startVoiceRejoin } from './voiceRejoin.dom.ts';
import { useVoiceStore } from './voiceStore.ts';
import { WebRtcVoiceEngine } from './WebRtcVoiceEngine.dom.ts';
import { useVideoStore, videoWants } from '../video/videoStore.ts';

/** Redials of one grant before giving up and leaving the channel. */
const MAX_ATTEMPTS = 5;
/** After a final close (4014 ...) a new VOICE_SERVER_UPDATE may follow (re-grant); wait this long. */
const REGRANT_WAIT_MS = 5_000;

const webRtcFactory: VoiceEngineFactory = (options, events) => new WebRtcVoiceEngine(options, events);

/**
 * The desktop's native pipeline when the bridge offers it (`voice.native`) and it has not failed
 * in this page, with WebRTC as its fallback; WebRTC otherwise (the web build).
 */
const defaultFactory: VoiceEngineFactory = (options, events) => {
  const voice = getBridge().voice;
  if (voice?.native === true && nativeVoiceUnavailableReason() === null) return new NativeVoiceEngineWithFallback(voice, options, events, webRtcFactory);
  return webRtcFactory(options, events);
};

let active: { engine: VoiceEngine; key: string; token: string } | null = null;

/** The running engine (the debug hooks read its stats). */
export function activeVoiceEngine(): VoiceEngine | null {
  const engine = active?.engine ?? null;
  return engine instanceof NativeVoiceEngineWithFallback ? engine.current : engine;
}

/** A moderator's server mute on our own voice state in the guild we are connected in. */
function ownServerMute(): boolean {
  const { connection, states } = useVoiceStore.getState();
  const userId = useSessionStore.getState().user?.id;
  if (connection.status === 'disconnected' || userId === undefined) return false;
  return states[connection.guildId]?.[userId]?.mute ?? false;
}

export function startVoiceController(factory: VoiceEngineFactory = defaultFactory): () => void {
  let dialTimer: ReturnType<typeof setTimeout> | null = null;
  let regrantTimer: ReturnType<typeof setTimeout> | null = null;
  let serverMute = false;

  const stopEngine = () => {
    if (dialTimer !== null) clearTimeout(dialTimer);
    dialTimer = null;
    active?.engine.close();
    active = null;
  };

  const sync = () => {
    const { connection: conn, selfMute, selfDeaf } = useVoiceStore.getState();
    if (conn.status === 'disconnected' || conn.status === 'joining') {
      if (conn.status === 'disconnected' && regrantTimer !== null) {
        clearTimeout(regrantTimer);
        regrantTimer = null;
      }
      stopEngine();
      return;
    }
    if (conn.status === 'connected') return;
    const key = `${conn.token}|${conn.attempt}`;
    if (active?.key === key) return;
    if (regrantTimer !== null) {
      clearTimeout(regrantTimer);
      regrantTimer = null;
    }
    const session = maybeSession();
    const userId = useSessionStore.getState().user?.id;
    const sessionId = session?.gateway.session;
    if (!session || !userId || !sessionId) return;
    if (conn.attempt >= MAX_ATTEMPTS) {
      useUiStore.getState().showToast('Could not connect to voice');
      leaveVoice();
      return;
    }
    stopEngine();
    const token = conn.token;
    const engine = factory(
      { settings: useUiStore.getState().settings, selfMute, selfDeaf },
      {
        connected: () => useVoiceStore.getState().engineConnected(token),
        lost: (code, reason, final) => {
          if (active?.engine !== engine) return;
          console.warn(`voice connection lost (${code} ${reason})`);
          if (!final) {
            useVoiceStore.getState().engineLost(token);
            return;
          }
          // Moved to another node or kicked: a new VOICE_SERVER_UPDATE or our leave follows.
          stopEngine();
          regrantTimer = setTimeout(() => {
            regrantTimer = null;
            const now = useVoiceStore.getState().connection;
            if (now.status !== 'disconnected' && now.status !== 'joining' && now.token === token) leaveVoice();
          }, REGRANT_WAIT_MS);
        },
        ping: (ms) => useVoiceStore.getState().setPing(ms),
        speaking: (id, on) => useVoiceStore.getState().setSpeaking(id, on),
        inputLevel: (db) => useVoiceStore.getState().setInputLevel(db),
        videoLimits: (limits) => useVideoStore.getState().setLimits(limits),
        videoSources: (frame) => {
          const sources: { video?: number; screen?: number } = {};
          for (const s of frame.streams) if (s.active) sources[s.type] = s.ssrc;
          useVideoStore.getState().setSources(frame.userId, sources);
        },
        videoSink: (frame, stream) => {
          const store = useVideoStore.getState();
          if (frame.active && stream) store.setSink({ mid: frame.mid, userId: frame.userId, type: frame.type, ssrc: frame.ssrc, stream }, frame.mid);
          else if (store.sinks[frame.mid]?.ssrc === frame.ssrc) store.setSink(null, frame.mid);
        },
        videoRefused: (frame) => {
          const store = useVideoStore.getState();
          store.setCapture(frame.type, null);
          store.setRefused(frame);
        },
        streamViewers: (frame) => useVideoStore.getState().setStreamViewers(frame.userId, frame.ssrc, frame.viewerIds),
      },
    );
    active = { engine, key, token };
    const video = useVideoStore.getState();
    engine.setVideoSource?.('video', video.camera?.getVideoTracks()[0] ?? null);
    engine.setVideoSource?.('screen', video.screen?.getVideoTracks()[0] ?? null);
    engine.setVideoWants?.(videoWants(video.sources, video.watching));
    serverMute = ownServerMute();
    engine.setServerMute?.(serverMute);
    for (const [id, audio] of Object.entries(useVoiceStore.getState().userAudio)) engine.setUserAudio(id, audio.volume, audio.localMute);
    const target = { endpoint: conn.endpoint, token, sessionId, serverId: conn.guildId, userId };
    const delayMs = conn.attempt === 0 ? 0 : Math.min(5_000, 500 * 2 ** conn.attempt);
    dialTimer = setTimeout(() => {
      dialTimer = null;
      if (active?.engine === engine) engine.connect(target);
    }, delayMs);
  };

  const unsubscribeVoice = useVoiceStore.subscribe((s, prev) => {
    if (s.connection !== prev.connection) sync();
    if (s.selfMute !== prev.selfMute || s.selfDeaf !== prev.selfDeaf) active?.engine.setSelfFlags(s.selfMute, s.selfDeaf);
    if (s.states !== prev.states && ownServerMute() !== serverMute) {
      serverMute = !serverMute;
      active?.engine.setServerMute?.(serverMute);
    }
    // The game overlay shows who speaks; only this window hears the voice connection.
    if (s.speaking !== prev.speaking) getBridge().overlay?.publishSpeaking(Object.keys(s.speaking)).catch((err: unknown) => console.warn('overlay speaking relay failed', err));
    if (s.userAudio !== prev.userAudio) for (const [id, a] of Object.entries(s.userAudio)) if (a !== prev.userAudio[id]) active?.engine.setUserAudio(id, a.volume, a.localMute);
  });
  // Our captures onto the engine's senders, and what we watch as op 15; leaving voice ends the captures.
  const unsubscribeVideo = useVideoStore.subscribe((v, prev) => {
    if (v.camera !== prev.camera) active?.engine.setVideoSource?.('video', v.camera?.getVideoTracks()[0] ?? null);
    if (v.screen !== prev.screen) active?.engine.setVideoSource?.('screen', v.screen?.getVideoTracks()[0] ?? null);
    if (v.sources !== prev.sources || v.watching !== prev.watching) active?.engine.setVideoWants?.(videoWants(v.sources, v.watching));
  });
  const unsubscribeLeave = useVoiceStore.subscribe((s, prev) => {
    if (s.connection.status === 'disconnected' && prev.connection.status !== 'disconnected') useVideoStore.getState().stopAll();
  });
  const unsubscribeSettings = useUiStore.subscribe((s, prev) => {
    if (s.settings !== prev.settings) active?.engine.setSettings(s.settings);
  });

  // Keybinds: the desktop's global hook (bridge.hotkeys: any app in front) when it runs, else
  // keys while this page has focus (the web build, or no hook on this session). Push-to-mute
  // mutes while held and restores on release.
  let pttDown = false;
  let mutedByPushToMute = false;
  let globalHotkeys = false;
  const hotkeyAction = ({ action, phase }: HotkeyEvent) => {
    if (action === 'pushToTalk') {
      if (pttDown === (phase === 'down')) return;
      pttDown = phase === 'down';
      active?.engine.pushToTalk(pttDown);
    } else if (action === 'pushToMute') {
      const muted = useVoiceStore.getState().selfMute;
      if (phase === 'down' && !muted) {
        mutedByPushToMute = true;
        toggleSelfMute();
      } else if (phase === 'up' && mutedByPushToMute) {
        mutedByPushToMute = false;
        if (muted) toggleSelfMute();
      }
    } else if (phase === 'down' && action === 'toggleMute') toggleSelfMute();
    else if (phase === 'down' && action === 'toggleDeafen') toggleSelfDeafen();
  };
  const bridgeHotkeys = getBridge().hotkeys;
  const unsubscribeHotkeys = bridgeHotkeys?.onAction(hotkeyAction);
  bridgeHotkeys
    ?.status()
    .then((s) => (globalHotkeys = s.status === 'running'))
    .catch((err: unknown) => console.warn('global hotkeys status unavailable; using in-page keys', err));
  const bound = (): [HotkeyAction, Accelerator][] => {
    const keybinds = useUiStore.getState().settings.keybinds;
    return HOTKEY_ACTIONS.flatMap((action) => {
      const text = keybinds[action];
      const parsed = text === null ? null : parseAccelerator(text, getBridge().platform);
      return parsed?.ok ? [[action, parsed.accelerator] as [HotkeyAction, Accelerator]] : [];
    });
  };
  const held = new Set<HotkeyAction>();
  const onKeyDown = (e: KeyboardEvent) => {
    // A key being recorded by a keybind field must not act (the Keybinds page captures its own).
    const recording = e.target instanceof HTMLElement && e.target.closest('[data-testid=ptt-key]') !== null;
    if (e.repeat || globalHotkeys || recording) return;
    for (const [action, accelerator] of bound()) {
      if (held.has(action) || !keyEventMatches(accelerator, e)) continue;
      if (HELD_HOTKEY_ACTIONS.has(action)) held.add(action);
      hotkeyAction({ action, phase: 'down' });
    }
  };
  const onKeyUp = (e: KeyboardEvent) => {
    for (const [action, accelerator] of bound()) {
      if (!held.has(action) || !keyUpEndsHold(accelerator, e.code)) continue;
      held.delete(action);
      hotkeyAction({ action, phase: 'up' });
    }
  };
  const onBlur = () => {
    for (const action of held) hotkeyAction({ action, phase: 'up' });
    held.clear();
  };
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', onBlur);
  const stopRejoin = startVoiceRejoin();

  sync();
  return () => {
    stopRejoin();
    unsubscribeVoice();
    unsubscribeSettings();
    unsubscribeVideo();
    unsubscribeLeave();
    useVideoStore.getState().stopAll();
    unsubscribeHotkeys?.();
    window.removeEventListener('keydown', onKeyDown);
    window.removeEventListener('keyup', onKeyUp);
    window.removeEventListener('blur', onBlur);
    if (regrantTimer !== null) clearTimeout(regrantTimer);
    stopEngine();
    useVoiceStore.getState().reset();
  };
}
