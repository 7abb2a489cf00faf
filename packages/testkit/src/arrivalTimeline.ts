// Decoded 20 ms frames laid on a timeline by arrival time (a gap stays a gap), so a received
// signal's envelope lines up with its source for correlation checks.

export function arrivalTimeline(frames: readonly { atMs: number; pcm: Int16Array }[], frameSamples = 960, frameMs = 20): Int16Array {
  if (frames.length === 0) return new Int16Array(0);
  const first = frames[0]!.atMs;
  const slots = new Map<number, Int16Array>();
  for (const f of frames) {
    let slot = Math.round((f.atMs - first) / frameMs);
    while (slots.has(slot)) slot++;
    slots.set(slot, f.pcm);
  }
  const out = new Int16Array((Math.max(...slots.keys()) + 1) * frameSamples);
  for (const [slot, pcm] of slots) out.set(pcm, slot * frameSamples);
  return out;
}
