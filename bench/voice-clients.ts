// bench:voice-clients, issue 17's client bench line: renderer CPU and audio glitches with five people
// talking, and mouth-to-ear from one client to another on loopback (TARGETS.md: <= 50 ms p95).
//
// Phase "idle": the observed web client page, signed in with the guild open, not in voice (baseline).
// Phase "talk": that page joins the voice channel (its fake microphone plays the speech fixture
//   through the page's default voice activity gate) and four headless SDK VoiceClients play the same
//   speech in a loop from different offsets: five people talking, one page observed (four SDK
//   talkers rather than four more pages keep the 2-core machine from measuring itself). Over
//   --talk-s: main-thread CPU (CDP Performance.getMetrics, thread ticks), every Chromium process's
//   CPU (SystemInfo.getProcessInfo), and per inbound stream from getStats(): packets lost,
//   concealment, jitter-buffer stretching, jitter-buffer delay and the audio energy that played.
// Phase "browser-to-browser": a second Chromium whose fake microphone plays a WAV of 1 kHz bursts
//   every --period-ms; page A sends it (gate held open), page B detects onsets on what it receives
//   through the SFU. The probe times A's getUserMedia track (mouth: the capture reaching Web Audio,
//   as the page's own graph takes it) and B's received tracks (ear) with an AudioWorklet at render
//   time on the pages' clocks (one browser, one machine clock), in probe contexts with the page's own
//   latency hint. Excludes the device capture and output buffers; the JSON states the latter (the
//   receiving page's AudioContext base + output latency) and adds it for a to-the-speaker estimate.
//   The talk phase also reads the page's AudioContext render load and callback interval (CDP WebAudio).
// Phase "sdk-to-browser": an SDK VoiceClient plays a tone frame every 500 ms; page B detects them.
//   Node's and the page's clocks are aligned by the shortest of 15 round trips.
//
//   node --import tsx bench/voice-clients.ts [--talk-s 15] [--idle-s 5] [--m2e-s 15] [--sdk-m2e-s 10] [--save <file>]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWav } from '@concord/media';
import { log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, report, runBench } from './lib/cleanup.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { REPO_ROOT } from './lib/ServerProcess.ts';
import { round } from './lib/stats.ts';
import { delaySummary, glitchesBetween, matchOnsets, measureCpu, measureWebAudio, packetsSentBetween, probeOnsets, probeState, rtpStats, type StreamGlitches } from './lib/voiceClientsMetrics.ts';
import type { VoiceProbeConfig } from './lib/voiceClientsProbe.ts';
import { burstWav, clockOffset, joinFromPage, joinSdk, keepGateOpen, openProbedPage, playedEnergy, rawMicrophone, startVoiceWorld, talkInLoop, type SdkTalker } from './lib/voiceClientsSetup.ts';

const opts = parseArgs({
  'talk-s': { default: '15', help: 'seconds measured with five people talking' },
  'idle-s': { default: '5', help: 'seconds measured on the idle page (not in voice)' },
  'm2e-s': { default: '15', help: 'seconds of browser -> browser bursts (0 skips)' },
  'sdk-m2e-s': { default: '10', help: 'seconds of SDK -> browser pulses (0 skips)' },
  'period-ms': { default: '500', help: 'burst period' },
  save: { default: '', help: 'also write the JSON to this file (e.g. bench/results/<date>-voice-clients.json)' },
});
const TALK_S = numberOption(opts['talk-s'], 'talk-s', 1);
const IDLE_S = numberOption(opts['idle-s'], 'idle-s', 0);
const M2E_S = numberOption(opts['m2e-s'], 'm2e-s', 0);
const SDK_M2E_S = numberOption(opts['sdk-m2e-s'], 'sdk-m2e-s', 0);
const PERIOD_MS = numberOption(opts['period-ms'], 'period-ms', 200);
const SPEECH = path.join(REPO_ROOT, 'packages/testkit/fixtures/speech-48k-mono.wav');
const SDK_TALKERS = 4;
const M2E_GOAL_P95_MS = 50;
const DETECT = { onLevel: 0.1, offLevel: 0.02, quietMs: Math.min(200, PERIOD_MS / 3) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => os.loadavg().map((x) => round(x, 2));

function sum(streams: StreamGlitches[], k: keyof StreamGlitches): number {
  return streams.reduce((t, s) => t + (typeof s[k] === 'number' ? s[k] : 0), 0);
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg();
  armDeadline(240 + TALK_S + IDLE_S + M2E_S + SDK_M2E_S, () => { process.stdout.write(JSON.stringify({ bench: 'voice-clients', error: 'deadline' }) + '\n'); });
  const speech = readWav(fs.readFileSync(SPEECH)).samples;
  log('building the web client and starting the server');
  const world = await startVoiceWorld();
  const talkers: SdkTalker[] = [];
  try {
    const listenOnly: VoiceProbeConfig = { tapMic: false, detectEar: true, ...DETECT };
    const speakingBrowser = await world.launchBrowser(SPEECH);
    // --- idle and five talking ---
    const watcher = await world.addMember('watcher');
    const observed = await openProbedPage(world, speakingBrowser, watcher, { ...listenOnly, detectEar: false });
    await sleep(1000);
    const idle = IDLE_S > 0 ? await measureCpu(speakingBrowser, observed.page, IDLE_S) : null;
    log(`idle page: main thread ${String(idle?.main_thread_task_percent)}%; joining voice with 4 SDK talkers`);
    await joinFromPage(observed, world.channelId);
    const stop = new AbortController();
    const loops: Promise<void>[] = [];
    for (let i = 0; i < SDK_TALKERS; i++) {
      const talker = await joinSdk(world, await world.addMember(`talker${String(i + 1)}`));
      talkers.push(talker);
      loops.push(talkInLoop(talker, speech, 37 * i, stop.signal));
    }
    await sleep(3000);
    const before = await rtpStats(observed.page);
    const played0 = await playedEnergy(observed.page);
    const [cpu, webAudio] = await Promise.all([measureCpu(speakingBrowser, observed.page, TALK_S), measureWebAudio(observed.page, TALK_S)]);
    const after = await rtpStats(observed.page);
    const played = round((await playedEnergy(observed.page)) - played0, 4);
    stop.abort();
    await Promise.all(loops);
    const streams = glitchesBetween(before, after);
    const talk = {
      cpu,
      streams,
      streams_heard: streams.length,
      packets_sent_by_page: packetsSentBetween(before, after),
      totals: {
        packets_received: sum(streams, 'packets_received'),
        packets_lost: sum(streams, 'packets_lost'),
        concealed_percent: sum(streams, 'samples_received') > 0 ? round((100 * sum(streams, 'concealed_samples')) / sum(streams, 'samples_received'), 3) : null,
        concealment_events: sum(streams, 'concealment_events'),
        inserted_samples_for_deceleration: sum(streams, 'inserted_samples_for_deceleration'),
        removed_samples_for_acceleration: sum(streams, 'removed_samples_for_acceleration'),
        jitter_buffer_delay_ms_max: Math.max(0, ...streams.map((s) => s.jitter_buffer_delay_ms ?? 0)),
        audio_energy: round(sum(streams, 'audio_energy'), 4),
      },
      /** The page's AudioContext: render load and device callback interval (glitch risk of its latency hint). */
      web_audio: webAudio,
      /** The page's own analysers after each slot's gain (what it played), mean square x seconds. */
      played_energy: played,
      load_average: loadavg(),
      page_errors: observed.errors,
    };
    log(`talk: main thread ${String(cpu.main_thread_task_percent)}%, renderer process ${String(cpu.process_cpu_percent['renderer'])}%, ${String(streams.length)} streams, lost ${String(talk.totals.packets_lost)}, concealed ${String(talk.totals.concealed_percent)}%`);
    for (const t of talkers.splice(0)) t.close();
    await observed.context.close();
    await speakingBrowser.close();
    const burstFile = path.join(makeTempDir('voice-clients'), 'bursts.wav');
    fs.writeFileSync(burstFile, burstWav(10, PERIOD_MS, 60, 0.5));
    const burstBrowser = await world.launchBrowser(burstFile);

    // --- browser -> browser ---
    const ear = await openProbedPage(world, burstBrowser, await world.addMember('ear'), listenOnly);
    let browserToBrowser: Record<string, unknown> | null = null;
    if (M2E_S > 0) {
      const mouth = await openProbedPage(world, burstBrowser, await world.addMember('mouth'), { ...listenOnly, detectEar: false, tapMic: true });
      await keepGateOpen(mouth.page);
      await rawMicrophone(mouth.page);
      await joinFromPage(ear, world.channelId);
      await ear.page.getByRole('switch', { name: 'Mute' }).click();
      await joinFromPage(mouth, world.channelId);
      await sleep(2000);
      const fromMs = performance.timeOrigin + performance.now();
      const s0 = await rtpStats(ear.page);
      await sleep(M2E_S * 1000);
      const s1 = await rtpStats(ear.page);
      const [mouthOnsets, earOnsets, mouthClock, earClock] = [await probeOnsets(mouth.page), await probeOnsets(ear.page), await clockOffset(mouth.page), await clockOffset(ear.page)];
      // Only bursts made in the window (pages' epoch -> Node's via each page's offset, for the cut only).
      const mouthsInWindow = mouthOnsets.filter((o) => o.kind === 'mouth' && o.epochMs - mouthClock.offsetMs >= fromMs).map((o) => o.epochMs);
      const samples = matchOnsets(mouthsInWindow, earOnsets.filter((o) => o.epochMs - earClock.offsetMs >= fromMs), PERIOD_MS * 0.8);
      const [mouthProbe, earProbe, summary] = [await probeState(mouth.page), await probeState(ear.page), delaySummary(samples)];
      const earOutput = earProbe.page_latency ?? earProbe.latency;
      const earOutputMs = earOutput ? round((earOutput.baseLatency + earOutput.outputLatency) * 1000, 1) : null;
      browserToBrowser = {
        method: 'page A: fake microphone = WAV of 60 ms 1 kHz bursts every period (gate held open, EC/NS/AGC off); onsets timed by an AudioWorklet at Web Audio render time on A\'s getUserMedia track (mouth) and on B\'s received tracks (ear), on the pages\' own clocks',
        bursts: mouthsInWindow.length,
        detected: samples.length,
        ...summary,
        samples_ms: samples.map((x) => round(x, 1)),
        page_clock_disagreement_ms: round(mouthClock.offsetMs - earClock.offsetMs, 2),
        clock_rtt_ms: [round(mouthClock.rttMs, 2), round(earClock.rttMs, 2)],
        receiver_streams: glitchesBetween(s0, s1),
        probe: { mouth: mouthProbe, ear: earProbe },
        // What the receiving page's own AudioContext states it adds before the speaker (base + output latency).
        not_included_output_device_ms: earOutputMs,
        to_speaker_estimate_p50_p95_ms: summary && earOutputMs !== null ? [round(summary.p50_ms + earOutputMs, 1), round(summary.p95_ms + earOutputMs, 1)] : null,
      };
      log(`browser -> browser: ${String(samples.length)}/${String(mouthsInWindow.length)} bursts, p50/p95 ${JSON.stringify(delaySummary(samples))}`);
      await mouth.context.close();
    }

    // --- SDK -> browser ---
    let sdkToBrowser: Record<string, unknown> | null = null;
    if (SDK_M2E_S > 0) {
      if (M2E_S <= 0) {
        await joinFromPage(ear, world.channelId);
        await ear.page.getByRole('switch', { name: 'Mute' }).click();
      }
      const speaker = await joinSdk(world, await world.addMember('sdkmouth'));
      talkers.push(speaker);
      await sleep(1500);
      const clock = await clockOffset(ear.page);
      const everyFrames = Math.round(PERIOD_MS / 20);
      const frames = Math.round((SDK_M2E_S * 1000) / 20);
      const pcm = new Int16Array(frames * 960);
      const pulseFrames = new Set<number>();
      for (let f = everyFrames; f < frames; f += everyFrames) {
        pulseFrames.add(f);
        for (let i = 0; i < 960; i++) pcm[f * 960 + i] = Math.round(16_000 * Math.sin((2 * Math.PI * 1000 * i) / 48_000));
      }
      const sentAt: number[] = [];
      const fromMs = performance.timeOrigin + performance.now();
      await speaker.voice.voice.play(pcm, { onFrameSent: (i, at) => { if (pulseFrames.has(i)) sentAt.push(performance.timeOrigin + at); } });
      await sleep(500);
      const earOnsets = (await probeOnsets(ear.page)).map((o) => ({ ...o, epochMs: o.epochMs - clock.offsetMs })).filter((o) => o.epochMs >= fromMs);
      const samples = matchOnsets(sentAt, earOnsets, PERIOD_MS * 0.8);
      sdkToBrowser = {
        method: 'SDK VoiceClient plays a 20 ms 1 kHz frame every period (mouth = frame handed to the encoder, Node clock); page B detects onsets at render time; clocks aligned by the shortest page.evaluate round trip',
        pulses: sentAt.length,
        detected: samples.length,
        ...delaySummary(samples),
        samples_ms: samples.map((x) => round(x, 1)),
        clock_offset_ms: round(clock.offsetMs, 2),
        clock_uncertainty_ms: round(clock.rttMs / 2, 2),
      };
      log(`SDK -> browser: ${String(samples.length)}/${String(sentAt.length)} pulses, ${JSON.stringify(delaySummary(samples))}`);
    }

    const b2b = browserToBrowser as { p95_ms?: number; p50_ms?: number; detected?: number; bursts?: number } | null;
    const s2b = sdkToBrowser as { p95_ms?: number; p50_ms?: number; detected?: number; pulses?: number } | null;
    const goals = {
      ...(b2b ? { browser_to_browser_p95_le_50ms: (b2b.p95_ms ?? Infinity) <= M2E_GOAL_P95_MS } : {}),
      five_talking_no_loss: talk.totals.packets_lost === 0,
      four_streams_heard: talk.streams_heard >= SDK_TALKERS,
      audio_played: talk.played_energy > 0,
    };
    const summary =
      `voice-clients: 5 talking (1 page + 4 SDK), ${String(TALK_S)} s: renderer main thread ${String(cpu.main_thread_task_percent)}% of a core (idle ${String(idle?.main_thread_task_percent)}%), renderer process ${String(cpu.process_cpu_percent['renderer'])}%, ` +
      `${String(talk.streams_heard)} streams, lost ${String(talk.totals.packets_lost)}/${String(talk.totals.packets_received)}, concealed ${String(talk.totals.concealed_percent)}%, ${String(talk.totals.concealment_events)} concealment events, played energy ${String(talk.played_energy)} (getStats totalAudioEnergy ${String(talk.totals.audio_energy)})` +
      (b2b ? `; browser->browser mouth-to-ear p50/p95 ${String(b2b.p50_ms)}/${String(b2b.p95_ms)} ms over ${String(b2b.detected)}/${String(b2b.bursts)} bursts (goal p95 <= 50)` : '') +
      (s2b ? `; SDK->browser p50/p95 ${String(s2b.p50_ms)}/${String(s2b.p95_ms)} ms over ${String(s2b.detected)}/${String(s2b.pulses)}` : '') +
      `; load ${loadAtStart.join('/')} -> ${Object.entries(goals).filter(([, v]) => !v).map(([k]) => `missed ${k}`).join(', ') || 'all goals met'}`;
    const out = {
      bench: 'voice-clients',
      config: {
        talk_s: TALK_S, idle_s: IDLE_S, m2e_s: M2E_S, sdk_m2e_s: SDK_M2E_S, period_ms: PERIOD_MS,
        talkers: '1 observed Chromium page (fake mic: speech fixture, default voice activity gate) + 4 SDK VoiceClients looping the speech fixture',
        node: process.version, cpus: os.cpus().length, load_average_at_start: loadAtStart, load_average_at_end: loadavg(), ...gitInfo(),
      },
      idle,
      talk,
      browser_to_browser: browserToBrowser,
      sdk_to_browser: sdkToBrowser,
      goals,
      wall_s: round((Date.now() - started) / 1000, 1),
      summary,
    };
    if (opts.save) fs.writeFileSync(path.resolve(opts.save), JSON.stringify(out, null, 2) + '\n');
    report(out);
  } finally {
    for (const t of talkers) t.close();
    await world.close();
  }
}

runBench('voice-clients', main);
