// The incoming-call ring: a repeating two-tone phrase made with WebAudio oscillators (no asset
// files), every 2 s while a call rings this user. Silent until the page may play sound (autoplay
// rules); `onPhrase` hears each phrase that played (the card shows the count for tests).
import { audioContext, audioUnlocked } from '../voice/audioContext.dom.ts';

const PHRASE_EVERY_MS = 2_000;
/** Discord's ring is a soft rising figure; two notes twice. */
const NOTES_HZ = [659.25, 830.61, 659.25, 830.61] as const;
const STEP_S = 0.16;

/** Plays one phrase; false when the page may not play sound yet. */
function playPhrase(volume: number): boolean {
  const ctx = audioContext();
  if (!ctx || !audioUnlocked()) return false;
  const start = ctx.currentTime + 0.01;
  NOTES_HZ.forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = hz;
    const t0 = start + i * STEP_S;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(volume, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + STEP_S * 1.4);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + STEP_S * 1.5);
  });
  return true;
}

/** Starts ringing; the returned function stops it. */
export function startRinging(onPhrase: () => void, volume = 0.2): () => void {
  const ring = () => {
    if (playPhrase(volume)) onPhrase();
  };
  ring();
  const timer = setInterval(ring, PHRASE_EVERY_MS);
  return () => clearInterval(timer);
}
