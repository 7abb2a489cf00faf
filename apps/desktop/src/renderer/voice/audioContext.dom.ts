// The one AudioContext of the page (sounds, the microphone analyser, received audio levels).
// Browsers start it suspended until a user gesture; `unlockAudio()` runs inside the click that
// joins voice (or toggles mute, or "Enable Audio" in the voice panel), so nothing plays before the
// page may play sound. Components follow its state through `subscribeAudioState`.
let context: AudioContext | null = null;
const stateListeners = new Set<() => void>();

const notifyState = () => {
  for (const listener of stateListeners) listener();
};

/** The shared context, made on first use (suspended until unlocked by a gesture). */
export function audioContext(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return null;
  // 48 kHz as Opus and RNNoise run (the browser resamples to the device if it differs). Latency
  // hint 0: the smallest buffer the device takes; what is received plays through this context, and
  // 'interactive' stated 42 ms (10 base + 32 output) against 10.7 ms in Chromium 147 (issue 17).
  context = new AudioContext({ latencyHint: 0, sampleRate: 48_000 });
  context.addEventListener('statechange', notifyState);
  notifyState();
  return context;
}

/** Call from a click handler: resumes the context within the gesture. */
export function unlockAudio(): void {
  const ctx = audioContext();
  if (ctx?.state === 'suspended') ctx.resume().catch((err: unknown) => console.warn('AudioContext did not resume', err));
}

/** True once the page may play sound (the context runs). */
export function audioUnlocked(): boolean {
  return context?.state === 'running';
}

/** The context's state ('none' before it exists); for useSyncExternalStore with `subscribeAudioState`. */
export function audioContextState(): AudioContextState | 'none' {
  return context?.state ?? 'none';
}

/** Called when the context is made and on every state change (suspended, running, closed). */
export function subscribeAudioState(listener: () => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}
