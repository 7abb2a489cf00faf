// The viewer's downlink estimate (viewerFeedback.ts) on synthetic feedback: REMB counts as a limit
// only when clearly below what the viewer was sent lately, cut within 2.5 s, and the receiver
// reports some loss (Chromium's REMB climbs slowly to at most 1.5x what it receives while nothing
// over-uses); heavy receiver-report loss limits to what was sent then times (1 - 0.5 x loss), as
// GCC's loss controller; stale reports stop counting. Then the estimate and the layer chooser
// together against a model of a viewer behind a drop-tail bottleneck (REMB as Chromium's AIMD
// control behaves: cut to 0.85x what arrives on over-use, else a slow climb capped at 1.5x): the
// viewer leaves the top layer within ~2 s of the limit, never settles above what fits while it
// lasts, and is back on the top layer within 20 s of it lifting; an unconstrained viewer never moves.
import { describe, expect, it } from 'vitest';
import { LayerChooser, type LayerView } from '../src/voice/webrtc/layerChooser.ts';
import { BandwidthEstimate, LOSS_BACKOFF } from '../src/voice/webrtc/viewerFeedback.ts';

/** Feeds `bps` worth of 1,200-byte packets into `e` from `fromMs` to `toMs`, every 10 ms. */
function send(e: BandwidthEstimate, bps: number, fromMs: number, toMs: number): void {
  const perTick = (bps / 8) * 0.01;
  let owed = 0;
  for (let t = fromMs; t < toMs; t += 10) {
    owed += perTick;
    while (owed >= 1_200) {
      e.sent(1_200, t);
      owed -= 1_200;
    }
  }
}

describe('BandwidthEstimate (one viewer)', () => {
  it('meters what the viewer was sent over the last second', () => {
    const e = new BandwidthEstimate();
    send(e, 960_000, 0, 2_000);
    expect(e.sentBps(2_000)).toBeGreaterThan(900_000);
    expect(e.sentBps(2_000)).toBeLessThan(1_000_000);
    // Nothing sent for a second: nothing in the window.
    expect(e.sentBps(3_100)).toBe(0);
  });

  it('REMB is a limit only while clearly below what was sent and lately cut (an over-use); a slow climb below it is not', () => {
    const e = new BandwidthEstimate();
    const seen: (number | null)[] = [];
    e.onChange((b) => seen.push(b));
    send(e, 900_000, 0, 2_250);
    // The receiver reports a little loss (REMB cuts count only with some: below).
    e.slotLoss(0, 0.03, 1_900);
    e.remb(1_350_000, 2_000);
    expect(e.current(2_000)).toBeNull();
    // A cut to well below what is sent: the limit at once.
    e.remb(560_000, 2_250);
    expect(e.current(2_250)).toBe(560_000);
    expect(seen.at(-1)).toBe(560_000);
    // Held there: still the limit within 2.5 s of the cut, not after.
    send(e, 900_000, 2_250, 4_700);
    for (let at = 2_500; at <= 4_700; at += 250) e.remb(560_000, at);
    e.slotLoss(0, 0.03, 3_000);
    e.slotLoss(0, 0.03, 4_000);
    expect(e.current(4_700)).toBe(560_000);
    send(e, 900_000, 4_700, 4_800);
    e.remb(560_000, 4_800);
    expect(e.current(4_800)).toBeNull();
    // Climbing slowly below what is sent (as after a move up): not limited.
    let bps = 560_000;
    e.slotLoss(0, 0.03, 5_000);
    e.slotLoss(0, 0.03, 6_500);
    for (let at = 5_000; at <= 7_000; at += 250) {
      bps *= 1.005;
      e.remb(bps, at);
      send(e, 900_000, at - 250, at);
    }
    expect(e.current(7_000)).toBeNull();
    // A cut that stays above 0.8x of what is sent (Chromium's first estimate is what arrived): not limited.
    send(e, 650_000, 7_000, 8_000);
    e.remb(620_000, 7_900);
    e.remb(600_000, 8_000);
    expect(e.current(8_000)).toBeNull();
    expect(e.stats).toMatchObject({ lastRembBps: 600_000, lastBps: 560_000, limited: 1 });
    expect(e.stats.rembCuts).toBeGreaterThanOrEqual(2);
    // Garbage is ignored.
    const reports = e.stats.rembReports;
    e.remb(Number.NaN, 9_000);
    e.remb(-5, 9_000);
    expect(e.stats.rembReports).toBe(reports);
  });

  it('a REMB cut is not believed while the receiver reports no loss (CPU stalls cut it too), and is with 2% or more', () => {
    const e = new BandwidthEstimate();
    send(e, 800_000, 0, 2_000);
    e.slotLoss(0, 0, 1_000);
    e.remb(900_000, 500);
    e.remb(400_000, 1_600);
    expect(e.current(2_000)).toBeNull();
    e.slotLoss(0, 0.01, 1_900);
    expect(e.current(2_000)).toBeNull();
    // The same REMB with loss reported: believed.
    e.slotLoss(0, 0.05, 2_000);
    expect(e.current(2_000)).toBe(400_000);
    // Reports more than a second apart: the latest counts (clean again: not believed).
    e.slotLoss(0, 0, 3_100);
    send(e, 800_000, 2_000, 3_200);
    e.remb(300_000, 3_200);
    expect(e.current(3_200)).toBeNull();
  });

  it('receiver-report loss of 10% or more limits to what was sent then x (1 - 0.5 loss); stale reports stop counting', () => {
    const e = new BandwidthEstimate();
    send(e, 1_000_000, 0, 1_000);
    e.slotLoss(0, 0.05, 1_000);
    expect(e.current(1_000)).toBeNull();
    e.slotLoss(0, 0.2, 1_000);
    const limit = e.current(1_000);
    expect(limit).toBeCloseTo(e.sentBps(1_000) * (1 - LOSS_BACKOFF * 0.2), 0);
    // What got through when the report came: sending less afterwards does not lower it.
    send(e, 100_000, 1_000, 1_500);
    expect(e.current(1_500)).toBeCloseTo(limit ?? 0, 0);
    expect(e.stats.lossyReports).toBe(1);
    // Both signals: the lower wins.
    e.remb(900_000, 200);
    e.remb(300_000, 1_500);
    expect(e.current(1_500)).toBe(300_000);
    // Three seconds on, neither counts.
    send(e, 1_000_000, 1_500, 4_600);
    expect(e.current(4_600)).toBeNull();
  });
});

/** Layers (low -> high) as the SFU measures them: 180p, 360p, 720p. */
const LAYERS: LayerView[] = [{ bitrate: 90_000, height: 180 }, { bitrate: 375_000, height: 360 }, { bitrate: 900_000, height: 720 }];
const TICK_MS = 250;

/**
 * A viewer behind a bottleneck of `linkBps(t)` (Infinity: none), simulated in 250 ms steps: what the
 * chooser picks is sent; Chromium's REMB (every 250 ms, from 5 s on) as its AIMD control behaves: cut
 * to 0.85x what arrives while the sender over-uses the link, else up 4% a second but never above
 * 1.5x what arrives. Returns the layer index at each step.
 */
function simulate(linkBps: (t: number) => number, untilMs: number): number[] {
  const e = new BandwidthEstimate();
  const chooser = new LayerChooser();
  const picks: number[] = [];
  let layer = chooser.choose(LAYERS, 0, Number.POSITIVE_INFINITY, 0);
  let remb = 0;
  let overusing = false;
  for (let t = 0; t < untilMs; t += TICK_MS) {
    const rate = LAYERS[layer]!.bitrate;
    send(e, rate, t, t + TICK_MS);
    const now = t + TICK_MS;
    const link = linkBps(now);
    const arrives = Math.min(rate, link);
    if (now >= 5_000) {
      // Over-use: one cut per episode, to 0.85x the lower of what arrives and the estimate (the
      // measured trace: 627k -> 573k at the limit, 579k -> 327k on a trial up), then a hold; else a
      // slow climb (additive near a capacity it learned), capped at 1.5x what arrives.
      if (remb === 0) remb = arrives;
      else if (rate > link && !overusing) remb = 0.85 * Math.min(remb, arrives);
      else if (rate <= link) remb = Math.max(remb, Math.min(remb * 1.01, 1.5 * arrives + 10_000));
      overusing = rate > link;
      e.remb(remb, now);
      // Receiver reports once a second: what the link dropped (a drop-tail bottleneck).
      if (now % 1_000 === 0) e.slotLoss(0, rate > link ? (rate - link) / rate : 0, now);
    }
    layer = chooser.choose(LAYERS, 0, e.current(now) ?? Number.POSITIVE_INFINITY, now);
    picks.push(layer);
  }
  return picks;
}

describe('BandwidthEstimate + LayerChooser against a modelled bottleneck', () => {
  it('an unconstrained viewer stays on the top layer', () => {
    const picks = simulate(() => Number.POSITIVE_INFINITY, 60_000);
    expect(new Set(picks)).toEqual(new Set([2]));
  });

  it('700 kbit/s from 10 s to 40 s: down within 2 s, never settled above 360p while limited, back up within 20 s after', () => {
    const limited = (t: number) => t >= 10_000 && t < 40_000;
    const picks = simulate((t) => (limited(t) ? 700_000 : Number.POSITIVE_INFINITY), 70_000);
    const at = (ms: number) => picks[ms / TICK_MS - 1]!;
    expect(picks.slice(0, 10_000 / TICK_MS - 1).every((p) => p === 2)).toBe(true);
    const down = picks.findIndex((p, i) => (i + 1) * TICK_MS >= 10_000 && p < 2);
    expect((down + 1) * TICK_MS - 10_000).toBeLessThanOrEqual(2_000);
    // While limited: trials up are allowed, but the share of time on 720p stays small.
    const during = picks.slice(12_000 / TICK_MS, 40_000 / TICK_MS);
    expect(during.filter((p) => p === 2).length / during.length).toBeLessThan(0.15);
    expect(during.every((p) => p >= 1)).toBe(true);
    const up = picks.findIndex((p, i) => (i + 1) * TICK_MS >= 40_000 && p === 2);
    expect(up).toBeGreaterThan(0);
    expect((up + 1) * TICK_MS - 40_000).toBeLessThanOrEqual(20_000);
    expect(at(70_000)).toBe(2);
  });
});
