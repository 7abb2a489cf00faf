// Join, leave, mute, unmute, deafen and undeafen sounds, made with WebAudio oscillators (no asset
// files): short two-note chimes like Discord's, rising for "on" and falling for "off". Silent
// until the AudioContext was unlocked by a click (browser autoplay rules).
import { audioContext, audioUnlocked } from './audioContext.dom.ts';

export type VoiceSound = 'join' | 'leave' | 'mute' | 'unmute' | 'deafen' | 'undeafen';

/** Notes (Hz) and the gap between them (s) per sound. */
const SOUNDS: Record<VoiceSound, { notes: readonly number[]; stepS: number; type: OscillatorType }> = {
  join: { notes: [587.33, 880], stepS: 0.09, type: 'sine' },
  leave: { notes: [880, 587.33], stepS: 0.09, type: 'sine' },
  mute: { notes: [659.25, 493.88], stepS: 0.06, type: 'triangle' },
  unmute: { notes: [493.88, 659.25], stepS: 0.06, type: 'triangle' },
  deafen: { notes: [523.25, 392, 329.63], stepS: 0.06, type: 'triangle' },
  undeafen: { notes: [329.63, 392, 523.25], stepS: 0.06, type: 'triangle' },
};

/** How many sounds were played (tests read it through __concordDebug). */
export const soundsPlayed: VoiceSound[] = [];

export function playVoiceSound(sound: VoiceSound, volume = 0.25): void {
  const ctx = audioContext();
  if (!ctx || !audioUnlocked()) return;
  soundsPlayed.push(sound);
  if (soundsPlayed.length > 100) soundsPlayed.shift();
  const { notes, stepS, type } = SOUNDS[sound];
  const start = ctx.currentTime + 0.01;
  notes.forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = hz;
    const t0 = start + i * stepS;
    const lengthS = stepS * 1.6;
    // A short attack and an exponential tail: no clicks at either end.
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(volume, t0 + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + lengthS);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + lengthS + 0.02);
  });
}
