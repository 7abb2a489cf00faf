// bench:video-sfu: one 1080p-ish screen share (synthetic VP8, 30 fps, --kbps) watched by --viewers
// werift peers through the SFU's WebRTC side (WebRtcMedia: VideoRouter, per-viewer rewrite, key
// frame gate), against a bare werift relay that only copies each packet to every viewer, in the
// same run. The SFU (or the relay) runs alone in a child process so its CPU time and event-loop delay
// are its own; the sender and the viewers share this process's clock, so each packet carries its
// send time and a viewer's receive time minus it is the one-way latency; the SFU's added latency is
// its p50/p95 minus the relay's. With --layers 3 the share is sent as simulcast (rids q/h/f on one
// m-line, 8/22/70% of --kbps, key frames declaring 270/540/1080 lines) and the viewers are split
// over the layers by op 15 max_height (270, 540, none, in turn); the bare relay then copies each
// viewer only its layer's packets (by rid), so both forward the same packets.
// One JSON object on stdout, one summary line on stderr.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RTCPeerConnection, RTCRtpCodecParameters, RTP_EXTENSION_URI, RtpHeader, RtpPacket, serializeSdesMid, serializeSdesRTPStreamID, useNACK, usePLI, useSdesMid, useSdesRTPStreamId, useVP8, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import { UdpMediaServer, WebRtcMedia, iceOptionsFor } from '@concord/server';
import { intOption, parseArgs } from './lib/args.ts';
import { gitInfo } from './lib/gitInfo.ts';

const opts = parseArgs({
  viewers: { default: '10', help: 'viewers of the one share' },
  kbps: { default: '4000', help: 'the share bitrate (1080p30 screen content: ~4 Mbps)' },
  seconds: { default: '15', help: 'measured seconds per server kind' },
  warmup: { default: '3', help: 'seconds sent before measuring' },
  layers: { default: '1', help: '1, or 3: simulcast (q/h/f), viewers split over the layers' },
  save: { default: '', help: 'also write the JSON to this file' },
  child: { default: '', help: '(internal) run as the server process: concord | relay' },
});

const FPS = 30;
const PACKET_PAYLOAD = 1100;
const VP8_PT = 96;
const KEYFRAME_EVERY = FPS * 2;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const OPUS = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111 });
const VP8 = () => useVP8({ payloadType: VP8_PT, rtcpFeedback: [useNACK(), usePLI()] });
const VIDEO_EXTENSIONS = () => [useSdesMid(), useSdesRTPStreamId()];
/** Simulcast layers low -> high: rid, share of --kbps, the height its key frames declare. */
const LAYERS = [{ rid: 'q', share: 0.08, height: 270 }, { rid: 'h', share: 0.22, height: 540 }, { rid: 'f', share: 0.7, height: 1080 }];
/** Where each packet carries its send time (after the VP8 descriptor and a key frame's 10-byte header). */
const SENT_AT_OFFSET = 16;
/** Viewer i's cap with simulcast: 270, 540, none, in turn (one viewer per layer). */
const viewerMaxHeight = (i: number) => [270, 540, 0][i % 3]!;

type ToChild = { t: 'offer'; id: number; role: 'sender' | 'viewer'; sdp: string; streamSsrc: number } | { t: 'watch'; layers: number } | { t: 'start' } | { t: 'stop' };
type FromChild = { t: 'ready' } | { t: 'answer'; id: number; sdp: string } | { t: 'figures'; cpuMs: number; wallMs: number; forwarded: number; forwardedBytes: number; eventLoopP99Ms: number } | { t: 'error'; error: string };

// ---------------------------------------------------------------- server side (child process)

async function runChild(kind: 'concord' | 'relay'): Promise<void> {
  const send = (m: FromChild) => process.send?.(m);
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let mark = { cpu: process.cpuUsage(), wallMs: performance.now(), forwarded: 0, bytes: 0 };
  let answer: (role: 'sender' | 'viewer', sdp: string, streamSsrc: number) => Promise<string>;
  let watch: (layers: number) => void = () => undefined;
  let forwarded: () => { packets: number; bytes: number };
  let close: () => Promise<void>;
  if (kind === 'concord') {
    const udp = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
    const media = new WebRtcMedia(udp, iceOptionsFor({ host: '127.0.0.1', publicIp: '127.0.0.1', udpPort: 0, udpPortMax: null }));
    const viewers: number[] = [];
    let stream = 0;
    answer = async (role, sdp, streamSsrc) => {
      const p = media.add({ userId: `${role}-${String(viewers.length)}`, roomId: 'stage' });
      const a = await media.answerWebRtc(p.ssrc, sdp);
      if (role === 'sender') {
        stream = streamSsrc;
        media.setVideoSources(p.ssrc, [{ type: 'screen', ssrc: streamSsrc }]);
      } else viewers.push(p.ssrc);
      return a;
    };
    watch = (layers) => {
      viewers.forEach((v, i) => { media.setVideoWants(v, { [String(stream)]: 100, ...(layers > 1 ? { [`max_height:${String(stream)}`]: viewerMaxHeight(i) } : {}) }); });
    };
    forwarded = () => { const s = media.stats().video; return { packets: s.forwarded, bytes: s.forwardedBytes }; };
    close = () => media.close();
  } else {
    // The floor: werift in and out, each packet copied to every viewer with a fresh header, nothing else.
    const pcs: RTCPeerConnection[] = [];
    const outs: RTCRtpTransceiver[] = [];
    let packets = 0;
    let bytes = 0;
    answer = async (role, sdp) => {
      const pc = new RTCPeerConnection({ codecs: { audio: [OPUS()], video: [VP8()] }, headerExtensions: { audio: [useSdesMid()], video: VIDEO_EXTENSIONS() }, iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
      pcs.push(pc);
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const video = pc.getTransceivers().find((t) => t.kind === 'video');
      if (!video) throw new Error('no video m-line');
      if (role === 'viewer') {
        video.setDirection('sendonly');
        outs.push(video);
      } else {
        video.setDirection('recvonly');
        const relayTrack = (track: MediaStreamTrack) => track.onReceiveRtp.subscribe((rtp) => {
          // With simulcast each viewer gets its layer only (the same split as the SFU's max heights).
          const layer = track.rid ? LAYERS.findIndex((l) => l.rid === track.rid) : -1;
          for (const [i, out] of outs.entries()) {
            if (layer >= 0 && LAYERS[[0, 1, 2][i % 3]!]!.rid !== track.rid) continue;
            const h = new RtpHeader({ payloadType: VP8_PT, sequenceNumber: rtp.header.sequenceNumber, timestamp: rtp.header.timestamp, ssrc: out.sender.ssrc, marker: rtp.header.marker });
            out.sender.sendRtp(new RtpPacket(h, rtp.payload)).catch(() => undefined);
            packets++;
            bytes += rtp.payload.length;
          }
        });
        // werift makes the track during setRemoteDescription (a=ssrc in the offer) or on the first packet.
        for (const track of video.receiver.tracks) relayTrack(track);
        video.onTrack.subscribe(relayTrack);
      }
      for (const t of pc.getTransceivers()) if (t.kind === 'audio') t.setDirection('inactive');
      await pc.setLocalDescription(await pc.createAnswer());
      await waitFor(() => pc.iceGatheringState === 'complete', 5_000);
      return pc.localDescription?.sdp ?? '';
    };
    forwarded = () => ({ packets, bytes });
    close = async () => { await Promise.all(pcs.map((pc) => pc.close())); };
  }
  process.on('message', (m: ToChild) => {
    switch (m.t) {
      case 'offer':
        answer(m.role, m.sdp, m.streamSsrc).then((sdp) => send({ t: 'answer', id: m.id, sdp }), (e: unknown) => send({ t: 'error', error: String(e) }));
        return;
      case 'watch':
        watch(m.layers);
        return;
      case 'start':
        eld.reset();
        eld.enable();
        mark = { cpu: process.cpuUsage(), wallMs: performance.now(), forwarded: forwarded().packets, bytes: forwarded().bytes };
        return;
      case 'stop': {
        const cpu = process.cpuUsage(mark.cpu);
        const f = forwarded();
        send({ t: 'figures', cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - mark.wallMs, forwarded: f.packets - mark.forwarded, forwardedBytes: f.bytes - mark.bytes, eventLoopP99Ms: eld.percentile(99) / 1e6 });
        eld.disable();
        close().then(() => process.exit(0), () => process.exit(1));
        return;
      }
    }
  });
  send({ t: 'ready' });
}

// ---------------------------------------------------------------- clients (this process)

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface KindFigures {
  kind: string;
  server_cpu_share: number;
  forwarded_pps: number;
  forwarded_mbps: number;
  forwarded_pps_per_core: number;
  forwarded_mbps_per_core: number;
  server_event_loop_p99_ms: number;
  received_pps: number;
  received_share: number;
  latency_ms: { p50: number; p95: number; p99: number };
}

async function runKind(kind: 'concord' | 'relay', viewers: number, kbps: number, seconds: number, warmup: number, layers: number): Promise<KindFigures> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const inbox: FromChild[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (m: FromChild) => { inbox.push(m); for (const w of waiters.splice(0)) w(); });
  const next = async <T extends FromChild['t']>(t: T): Promise<Extract<FromChild, { t: T }>> => {
    for (;;) {
      const i = inbox.findIndex((m) => m.t === t || m.t === 'error');
      if (i >= 0) {
        const m = inbox.splice(i, 1)[0]!;
        if (m.t === 'error') throw new Error(`${kind}: ${m.error}`);
        return m as Extract<FromChild, { t: T }>;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await next('ready');
  const pcs: RTCPeerConnection[] = [];
  let id = 0;
  const connect = async (role: 'sender' | 'viewer', onRtp?: (payload: Buffer) => void) => {
    const pc = new RTCPeerConnection({ codecs: { audio: [OPUS()], video: [VP8()] }, headerExtensions: { audio: [useSdesMid()], video: VIDEO_EXTENSIONS() }, iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
    pcs.push(pc);
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const simulcast = role === 'sender' && layers > 1 ? { simulcast: LAYERS.map((l) => ({ rid: l.rid, direction: 'send' as const })) } : {};
    const video = pc.addTransceiver('video', { direction: role === 'sender' ? 'sendonly' : 'recvonly', ...simulcast });
    if (onRtp) video.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => onRtp(rtp.payload)));
    await pc.setLocalDescription(await pc.createOffer());
    await waitFor(() => pc.iceGatheringState === 'complete', 5_000);
    child.send({ t: 'offer', id: ++id, role, sdp: pc.localDescription?.sdp ?? '', streamSsrc: video.sender.ssrc } satisfies ToChild);
    const { sdp } = await next('answer');
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await waitFor(() => pc.connectionState === 'connected', 15_000);
    return video;
  };
  const latencies: number[] = [];
  let received = 0;
  let measuring = false;
  const sender = await connect('sender');
  for (let v = 0; v < viewers; v++) {
    await connect('viewer', (payload) => {
      if (!measuring || payload.length < 10) return;
      received++;
      latencies.push(performance.now() - payload.readDoubleLE(SENT_AT_OFFSET));
    });
  }
  child.send({ t: 'watch', layers } satisfies ToChild);
  let keyFrameWanted = true;
  sender.sender.onPictureLossIndication.subscribe(() => { keyFrameWanted = true; });
  // One stream per layer: its own SSRC (the lowest layer the announced one) and sequence; with simulcast the packets are written to the
  // transport directly (werift's sender has one SSRC) with the m-line's mid and the layer's rid.
  const streams = (layers > 1 ? LAYERS : [{ rid: '', share: 1, height: 1080 }]).map((l, i) => {
    const frameBytes = Math.round((kbps * l.share * 1000) / 8 / FPS);
    return { ...l, ssrc: (sender.sender.ssrc + i) >>> 0, seq: 0, perFrame: Math.max(1, Math.ceil(frameBytes / PACKET_PAYLOAD)) };
  });
  const extId = (uri: string) => sender.headerExtensions.find((e) => e.uri === uri)?.id ?? 0;
  const midId = extId(RTP_EXTENSION_URI.sdesMid);
  const ridId = extId(RTP_EXTENSION_URI.sdesRTPStreamID);
  if (layers > 1 && (midId === 0 || ridId === 0)) throw new Error('simulcast needs the mid and rid extensions negotiated');
  let frame = 0;
  let sent = 0;
  const sendFrame = () => {
    const key = keyFrameWanted || frame % KEYFRAME_EVERY === 0;
    keyFrameWanted = false;
    const ts = (frame * (90_000 / FPS)) >>> 0;
    for (const st of streams) {
      for (let i = 0; i < st.perFrame; i++) {
        const payload = Buffer.alloc(PACKET_PAYLOAD);
        payload[0] = i === 0 ? 0x10 : 0x00; // VP8 descriptor: S on the frame's first packet, partition 0
        payload[1] = key ? 0x00 : 0x01; // frame tag: P = 0 on a key frame
        if (key && i === 0) {
          // A key frame's start code and size (the SFU orders layers by it).
          payload.set([0x9d, 0x01, 0x2a], 4);
          payload.writeUInt16LE(Math.round((st.height * 16) / 9), 7);
          payload.writeUInt16LE(st.height, 9);
        }
        payload.writeDoubleLE(performance.now(), SENT_AT_OFFSET);
        const header = new RtpHeader({ payloadType: VP8_PT, sequenceNumber: st.seq++ & 0xffff, timestamp: ts, marker: i === st.perFrame - 1 });
        if (layers > 1) {
          header.ssrc = st.ssrc;
          header.extensions = [{ id: midId, payload: serializeSdesMid(sender.mid ?? '') }, { id: ridId, payload: serializeSdesRTPStreamID(st.rid) }].sort((a, b) => a.id - b.id);
          sender.sender.dtlsTransport.sendRtp(payload, header).catch(() => undefined);
        } else {
          sender.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
        }
        if (measuring) sent++;
      }
    }
    frame++;
  };
  const timer = setInterval(sendFrame, 1000 / FPS);
  await new Promise((r) => setTimeout(r, warmup * 1000));
  measuring = true;
  child.send({ t: 'start' } satisfies ToChild);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  child.send({ t: 'stop' } satisfies ToChild);
  measuring = false;
  const wallS = (performance.now() - t0) / 1000;
  const figures = await next('figures');
  clearInterval(timer);
  await Promise.all(pcs.map((pc) => pc.close()));
  await new Promise<void>((r) => { if (child.exitCode !== null) r(); else child.once('exit', () => r()); });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN, 2);
  const cores = figures.cpuMs / figures.wallMs;
  const pps = figures.forwarded / (figures.wallMs / 1000);
  const mbps = (figures.forwardedBytes * 8) / 1e6 / (figures.wallMs / 1000);
  return {
    kind,
    server_cpu_share: round(cores, 3),
    forwarded_pps: Math.round(pps),
    forwarded_mbps: round(mbps, 1),
    forwarded_pps_per_core: Math.round(pps / cores),
    forwarded_mbps_per_core: round(mbps / cores, 1),
    server_event_loop_p99_ms: round(figures.eventLoopP99Ms, 1),
    received_pps: Math.round(received / wallS),
    // With simulcast each viewer gets one layer: the share is against the packets of the layers assigned.
    received_share: round(received / Math.max(1, layers > 1 ? expectedWithLayers(sent, streams.map((x) => x.perFrame), viewers) : sent * viewers), 3),
    latency_ms: { p50: pct(50), p95: pct(95), p99: pct(99) },
  };
}

/** Packets the viewers should get when viewer i takes layer i % 3 of `sent` packets split by perFrame. */
function expectedWithLayers(sent: number, perFrame: number[], viewers: number): number {
  const total = perFrame.reduce((a, b) => a + b, 0);
  let n = 0;
  for (let i = 0; i < viewers; i++) n += (sent * perFrame[i % perFrame.length]!) / total;
  return n;
}

async function main(): Promise<void> {
  if (opts.child === 'concord' || opts.child === 'relay') return runChild(opts.child);
  const viewers = intOption(opts.viewers, 'viewers', 1);
  const kbps = intOption(opts.kbps, 'kbps', 100);
  const seconds = intOption(opts.seconds, 'seconds', 1);
  const warmup = intOption(opts.warmup, 'warmup', 1);
  const layers = intOption(opts.layers, 'layers', 1);
  if (layers !== 1 && layers !== 3) throw new Error('--layers is 1 or 3');
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  const concord = await runKind('concord', viewers, kbps, seconds, warmup, layers);
  const relay = await runKind('relay', viewers, kbps, seconds, warmup, layers);
  const out = {
    bench: 'video-sfu',
    config: { viewers, kbps, layers, fps: FPS, packet_payload_bytes: PACKET_PAYLOAD, seconds, warmup_s: warmup, node: process.version, cpus: os.cpus().length, load_average_at_start: loadAtStart, load_average_at_end: os.loadavg().map((x) => round(x, 2)), ...gitInfo() },
    concord,
    relay,
    added_latency_ms: { p50: round(concord.latency_ms.p50 - relay.latency_ms.p50, 2), p95: round(concord.latency_ms.p95 - relay.latency_ms.p95, 2) },
    cpu_vs_relay: round(concord.server_cpu_share / relay.server_cpu_share, 2),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  if (opts.save) fs.writeFileSync(path.resolve(opts.save), JSON.stringify(out, null, 2) + '\n');
  process.stderr.write(
    `video-sfu: 1 share at ${String(kbps)} kbps${layers > 1 ? ' (3 simulcast layers, viewers split)' : ''} -> ${String(viewers)} viewers: SFU ${String(concord.forwarded_pps)} pkt/s (${String(concord.forwarded_mbps)} Mbit/s) at ${String(round(concord.server_cpu_share * 100))}% of a core = ${String(concord.forwarded_pps_per_core)} pkt/s / ${String(concord.forwarded_mbps_per_core)} Mbit/s per core, latency p50 ${String(concord.latency_ms.p50)} ms p95 ${String(concord.latency_ms.p95)} ms; bare relay ${String(round(relay.server_cpu_share * 100))}% (${String(relay.forwarded_pps_per_core)} pkt/s per core), p50 ${String(relay.latency_ms.p50)} ms; added p50 ${String(out.added_latency_ms.p50)} ms, CPU x${String(out.cpu_vs_relay)}; load ${loadAtStart.join(' ')}\n`,
  );
  // werift leaves handles open after its peers close: without this the run never ends.
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`video-sfu failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
