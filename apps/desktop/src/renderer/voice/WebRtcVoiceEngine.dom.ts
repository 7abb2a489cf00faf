// The browser's voice engine: the voice gateway (IDENTIFY after HELLO, READY's ssrc), one
// RTCPeerConnection offering the microphone (sendonly) and a fixed pool of recvonly audio m-lines
// that the SFU fills with whoever talks (apps/server/src/voice/webrtc/ReceiveSlots.ts), the offer
// in SELECT PROTOCOL `webrtc` and the answer from SESSION DESCRIPTION's `sdp`. Received tracks
// play through ReceivedAudio (per-slot gain for the slot's holder, named by op 5); the gate (voice
// activity or push-to-talk) switches the sent track and sends op 5. A new input device (or new
// processing constraints) swaps the sent track with replaceTrack: no renegotiation, no rejoin.
// Video the same way: the one offer also holds a camera and a Go Live m-line (sendonly, trackless
// until turned on) and a pool of recvonly video slots; turning a source on is replaceTrack plus
// op 12 with its SSRC (the voice gateway has no server-sent offer, so nothing is renegotiated), and
// op 40 says which slot carries whose stream (renderer/video/).
import { DEFAULT_VOICE_VIDEO_LIMITS, SpeakingFlags, VoiceCloseCode, VoiceOpcode, type VoiceVideoLimits } from '@concord/protocol';
import type { ClientSettings } from '../../shared/bridge.ts';
import { audioContext, subscribeAudioState } from './audioContext.dom.ts';
import { MicrophoneCapture } from './MicrophoneCapture.dom.ts';
import { rnnoiseStats } from './rnnoise/rnnoiseNode.dom.ts';
import { ReceivedAudio, type SlotStats } from './ReceivedAudio.dom.ts';
import { VoiceGate } from './VoiceGate.ts';
import { VoiceGatewaySocket } from './VoiceGatewaySocket.dom.ts';
import type { VoiceServerFrame } from './voiceDecoders.ts';
import type { VoiceEngine, VoiceEngineEvents, VoiceEngineOptions, VoiceEngineTarget } from './VoiceEngine.ts';
import type { VideoSourceType } from '../video/videoDecoders.ts';
import { VIDEO_RECEIVE_SLOTS, applySenderLimit, firstSsrcByMid, outboundSsrc, simulcastEncodings, videoInboundStats, type VideoInboundStats, type VideoOutboundStats } from '../video/videoSending.dom.ts';

/** Receive m-lines offered: this many people can be heard at once (the SFU hands slots over). */
export const RECEIVE_SLOTS = 6;
const LEVEL_INTERVAL_MS = 40;
const ICE_GATHER_TIMEOUT_MS = 2_000;
/** How long op 12 waits for a simulcast source to report its SSRC (it has one once it encodes a frame). */
const SSRC_WAIT_MS = 5_000;
/** Closes after which the same token must not be used again. */
const FINAL_CLOSES: ReadonlySet<number> = new Set([VoiceCloseCode.Disconnected, VoiceCloseCode.AuthenticationFailed, VoiceCloseCode.SessionNoLongerValid, VoiceCloseCode.ServerNotFound]);

export class WebRtcVoiceEngine implements VoiceEngine {
  private settings: ClientSettings;
  private selfMute: boolean;
  private selfDeaf: boolean;
  private serverMute = false;
  private readonly gate: VoiceGate;
  private socket: VoiceGatewaySocket | null = null;
  private pc: RTCPeerConnection | null = null;
  private mic: MicrophoneCapture | null = null;
  private micSender: RTCRtpSender | null = null;
  private received: ReceivedAudio | null = null;
  private readonly userAudio = new Map<string, { volume: number; localMute: boolean }>();
  private ssrc = 0;
  private target: VoiceEngineTarget | null = null;
  private transmitting = false;
  private reportedConnected = false;
  private levelTimer: ReturnType<typeof setInterval> | null = null;
  /** Remote users whose ring is on (as last reported). */
  private readonly remoteRings = new Set<string>();
  private closed = false;
  private unsubscribeAudioState: (() => void) | null = null;
  /** Camera and Go Live senders (trackless until turned on) and the SSRC each has in our offer. */
  /** Our camera and Go Live m-lines; `ssrc` 0 until known (a simulcast offer names rids, not SSRCs: getStats tells once it sends). */
  private readonly videoSenders: Partial<Record<VideoSourceType, { sender: RTCRtpSender; ssrc: number; mid: string }>> = {};
  /** Op 15's max heights (stream SSRC -> pixels, 0: no cap), from the video stage's tile sizes. */
  private videoMaxHeights: Record<string, number> = {};
  private readonly videoTracks: Record<VideoSourceType, MediaStreamTrack | null> = { video: null, screen: null };
  private videoWants: Record<string, number> = {};
  private videoLimits: VoiceVideoLimits = DEFAULT_VOICE_VIDEO_LIMITS;
  private answered = false;

  constructor(options: VoiceEngineOptions, private readonly events: VoiceEngineEvents) {
    this.settings = options.settings;
    this.selfMute = options.selfMute;
    this.selfDeaf = options.selfDeaf;
    this.gate = new VoiceGate(options.settings.voiceInput);
  }

  connect(target: VoiceEngineTarget): void {
    this.target = target;
    this.socket = new VoiceGatewaySocket(target.endpoint, {
      open: () => undefined,
      frame: (frame) => this.onFrame(frame),
      ping: (ms) => this.events.ping(ms),
      close: (code, reason) => this.fail(code, reason),
    });
  }

  setSettings(settings: ClientSettings): void {
    this.settings = settings;
    this.gate.setSettings(settings.voiceInput);
    if (this.mic) this.mic.apply(settings).then(() => this.sendCurrentTrack(), (err: unknown) => console.warn('microphone settings not applied', err));
    this.received?.setOutput(settings.voice, this.selfDeaf);
  }

  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void {
    this.selfMute = selfMute;
    this.selfDeaf = selfDeaf;
    this.received?.setOutput(this.settings.voice, selfDeaf);
    this.updateTransmit();
  }

  setServerMute(mute: boolean): void {
    this.serverMute = mute;
    this.updateTransmit();
  }

  setUserAudio(userId: string, volume: number, localMute: boolean): void {
    this.userAudio.set(userId, { volume, localMute });
    this.received?.setUserAudio(userId, { volume, localMute });
  }

  pushToTalk(down: boolean): void {
    this.gate.pushToTalk(down, performance.now());
    this.updateTransmit();
  }

  setVideoSource(type: VideoSourceType, track: MediaStreamTrack | null): void {
    if (this.videoTracks[type] === track) return;
    this.videoTracks[type] = track;
    if (this.answered) this.applyVideoSource(type);
  }

  setVideoWants(wants: Record<string, number>): void {
    this.videoWants = wants;
    if (this.answered) this.sendWants();
  }

  /** The tallest simulcast layer wanted per stream (stream SSRC -> pixels, 0: no cap): a small tile needs no 720p. */
  setVideoMaxHeights(heights: Record<string, number>): void {
    const same = Object.keys(heights).length === Object.keys(this.videoMaxHeights).length && Object.entries(heights).every(([k, h]) => this.videoMaxHeights[k] === h);
    if (same) return;
    this.videoMaxHeights = heights;
    if (this.answered) this.sendWants();
  }

  /** Op 15: what we watch, with `max_height:<ssrc>` for the streams the stage shows small. */
  private sendWants(): void {
    const wants: Record<string, number> = { ...this.videoWants };
    for (const [ssrc, h] of Object.entries(this.videoMaxHeights)) if (h > 0 && (wants[ssrc] ?? 0) > 0) wants[`max_height:${ssrc}`] = h;
    this.socket?.send(VoiceOpcode.MediaSinkWants, wants);
  }

  setVideoQuality(type: VideoSourceType, quality: { height: number; frameRate: number }): void {
    const track = this.videoTracks[type];
    const sender = this.videoSenders[type]?.sender;
    if (!track || !sender) return;
    const limit = this.videoLimits[type];
    const height = Math.min(quality.height, limit.max_height);
    const frameRate = Math.min(quality.frameRate, limit.max_framerate);
    // resizeMode 'crop-and-scale': without it Chromium reports the new size in getSettings() but a
    // display capture keeps delivering its native frames (measured: 853x480 reported, 1280x720 sent).
    // (resizeMode is in Media Capture and Streams but not in TypeScript's DOM types.)
    const constraints: MediaTrackConstraints & { resizeMode: 'crop-and-scale' } = { height: { max: height }, width: { max: Math.min(limit.max_width, Math.round((height * 16) / 9)) }, frameRate: { max: frameRate }, resizeMode: 'crop-and-scale' };
    track.applyConstraints(constraints)
      .then(() => applySenderLimit(sender, track, { ...limit, max_height: height, max_framerate: frameRate }, type))
      .catch((err: unknown) => console.warn('stream quality not applied', err));
  }

  /** Puts the source's track (or none) on its sender, within op 4's limit, and tells the room (op 12). */
  private applyVideoSource(type: VideoSourceType): void {
    const slot = this.videoSenders[type];
    if (!slot) return;
    const track = this.videoTracks[type];
    const known = slot.ssrc !== 0;
    // Op 12 at once when the SSRC is known (off: the SFU stops forwarding before the last frames go).
    if (known || !track) this.announceVideo();
    slot.sender.replaceTrack(track)
      .then(() => (track ? applySenderLimit(slot.sender, track, this.videoLimits[type], type) : undefined))
      .then(async () => {
        // A simulcast m-line's SSRC is known once it sends; op 12 waits for it.
        if (known || !track || !this.pc) return;
        slot.ssrc = await outboundSsrc(this.pc, slot.mid, SSRC_WAIT_MS);
        if (this.videoTracks[type] === track) this.announceVideo();
      })
      .catch((err: unknown) => console.warn(`${type} track not switched`, err));
  }

  /** Op 12: our whole video state (a source left inactive is off). */
  private announceVideo(): void {
    const streams = (['video', 'screen'] as const).flatMap((type) => {
      const slot = this.videoSenders[type];
      return slot && slot.ssrc > 0 ? [{ type, ssrc: slot.ssrc, active: this.videoTracks[type] !== null }] : [];
    });
    this.socket?.send(VoiceOpcode.Video, { audio_ssrc: this.ssrc, video_ssrc: this.videoTracks.video ? (this.videoSenders.video?.ssrc ?? 0) : 0, streams });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.levelTimer !== null) clearInterval(this.levelTimer);
    this.levelTimer = null;
    this.unsubscribeAudioState?.();
    this.unsubscribeAudioState = null;
    this.socket?.close(1000, 'left voice');
    this.pc?.close();
    this.mic?.close();
    this.received?.close();
    for (const userId of this.remoteRings) this.events.speaking(userId, false);
    this.remoteRings.clear();
    if (this.target && this.transmitting) this.events.speaking(this.target.userId, false);
  }

  /**
   * Totals for tests and the debug console. `inboundAudioEnergy` and `receivedEnergyByUser` are
   * what played (after per-user volume, output volume and deafen; 0 while the page may not play
   * sound); `rtpAudioEnergy` is getStats()' totalAudioEnergy, which Chromium takes after the slot
   * elements' volume (0 here: playback goes through the AudioContext).
   */
  async stats(): Promise<VoiceEngineStats> {
    const received = this.received?.stats() ?? { slots: [], energyByUser: {} };
    const ctx = audioContext();
    const out: VoiceEngineStats = {
      inboundAudioEnergy: Object.values(received.energyByUser).reduce((a, e) => a + e, 0),
      receivedEnergyByUser: received.energyByUser,
      rtpAudioEnergy: 0,
      inboundPackets: 0,
      outboundPackets: 0,
      connectionState: this.pc?.connectionState ?? 'none',
      slots: received.slots,
      noiseSuppressor: this.mic?.noiseSuppressor ?? 'none',
      rnnoiseFrames: 0,
      senderTrackId: this.micSender?.track?.id ?? null,
      microphoneTrackId: this.mic?.track.id ?? null,
      audioContextState: ctx?.state ?? 'none',
      outputSinkId: ctx && 'sinkId' in ctx && typeof ctx.sinkId === 'string' ? ctx.sinkId : null,
    };
    const rnnoise = this.mic?.rnnoiseNode;
    if (rnnoise) out.rnnoiseFrames = (await rnnoiseStats(rnnoise)).frames;
    if (!this.pc) return out;
    const report = await this.pc.getStats();
    const video = videoInboundStats(report);
    out.videoInbound = video.inbound;
    out.videoOutbound = video.outbound;
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'inbound-rtp' && s['kind'] === 'audio') {
        out.rtpAudioEnergy += typeof s['totalAudioEnergy'] === 'number' ? s['totalAudioEnergy'] : 0;
        out.inboundPackets += typeof s['packetsReceived'] === 'number' ? s['packetsReceived'] : 0;
      } else if (s['type'] === 'outbound-rtp' && s['kind'] === 'audio') {
        out.outboundPackets += typeof s['packetsSent'] === 'number' ? s['packetsSent'] : 0;
      }
    });
    return out;
  }

  private onFrame(frame: VoiceServerFrame): void {
    const target = this.target;
    if (this.closed || !target) return;
    switch (frame.op) {
      case VoiceOpcode.Hello:
        this.socket?.send(VoiceOpcode.Identify, { server_id: target.serverId, user_id: target.userId, session_id: target.sessionId, token: target.token, video: true, max_dave_protocol_version: 0 });
        return;
      case VoiceOpcode.Ready:
        this.ssrc = frame.ssrc;
        this.startMedia().catch((err: unknown) => {
          console.warn('WebRTC setup failed', err);
          this.fail(4900, err instanceof Error ? err.message : String(err));
        });
        return;
      case VoiceOpcode.SessionDescription:
        if (!frame.sdp || !this.pc) return this.fail(4900, 'session description without an SDP answer');
        this.videoLimits = frame.videoLimits;
        this.events.videoLimits?.(frame.videoLimits);
        this.applyAnswer(this.pc, frame.sdp).catch((err: unknown) => this.fail(4900, `bad SDP answer: ${String(err)}`));
        return;
      case VoiceOpcode.Speaking:
        if (frame.userId === target.userId) return;
        this.received?.onSpeaking(frame.userId, frame.ssrc, frame.speaking);
        this.updateRings(performance.now());
        return;
      case VoiceOpcode.ClientDisconnect:
        this.received?.onDisconnect(frame.userId);
        this.updateRings(performance.now());
        return;
      case VoiceOpcode.Video:
        if (frame.userId !== target.userId) this.events.videoSources?.(frame);
        return;
      case VoiceOpcode.VideoSink: {
        const receiver = this.pc?.getTransceivers().find((t) => t.mid === frame.mid && t.receiver.track.kind === 'video')?.receiver;
        this.events.videoSink?.(frame, receiver && frame.active ? new MediaStream([receiver.track]) : null);
        return;
      }
      case VoiceOpcode.VideoRefused: {
        // The server forwards nothing of it: take the track off its sender too.
        const refused = this.videoTracks[frame.type];
        if (refused && this.videoSenders[frame.type]?.ssrc === frame.ssrc) {
          this.videoTracks[frame.type] = null;
          this.videoSenders[frame.type]?.sender.replaceTrack(null).catch((err: unknown) => console.warn('refused track not removed', err));
        }
        this.events.videoRefused?.(frame);
        return;
      }
      case VoiceOpcode.StreamViewers:
        this.events.streamViewers?.(frame);
        return;
      case VoiceOpcode.HeartbeatAck:
      case VoiceOpcode.Resumed:
      case VoiceOpcode.ClientsConnect:
      case 'ignored':
        return;
      default: {
        const never: never = frame;
        throw new Error(`unhandled voice frame ${JSON.stringify(never)}`);
      }
    }
  }

  private async startMedia(): Promise<void> {
    const ctx = audioContext();
    if (!ctx) throw new Error('this browser has no Web Audio');
    this.mic = await MicrophoneCapture.open(ctx, this.settings);
    if (this.closed) return;
    // Chromium lets a page that captures the microphone play sound without a gesture: try, quietly
    // (elsewhere the context stays suspended and the voice panel offers "Enable Audio").
    if (ctx.state === 'suspended' && this.mic.error === null) ctx.resume().catch((err: unknown) => console.debug('AudioContext stays suspended until a gesture', err));
    // As the server's browser fixture does (apps/server/test/fixtures/voice-webrtc-page.html):
    // the microphone sendonly with its stream, then the recvonly pool, default ICE settings.
    const pc = new RTCPeerConnection();
    this.pc = pc;
    const micTrack = this.mic.track;
    this.micSender = pc.addTransceiver(micTrack, { direction: 'sendonly', streams: [new MediaStream([micTrack])] }).sender;
    for (let i = 0; i < RECEIVE_SLOTS; i++) pc.addTransceiver('audio', { direction: 'recvonly' });
    // Camera, then Go Live (the SFU takes the first two sending video m-lines as sources), then the
    // video receive pool. Both sources are simulcast (the SFU gives each viewer one layer); a server
    // that refuses it leaves the first, full-size encoding.
    const cameraTx = pc.addTransceiver('video', { direction: 'sendonly', sendEncodings: simulcastEncodings('video') });
    const screenTx = pc.addTransceiver('video', { direction: 'sendonly', sendEncodings: simulcastEncodings('screen') });
    for (let i = 0; i < VIDEO_RECEIVE_SLOTS; i++) pc.addTransceiver('video', { direction: 'recvonly' });
    const received = new ReceivedAudio(ctx, this.settings.voice, this.selfDeaf);
    this.received = received;
    for (const [userId, audio] of this.userAudio) received.setUserAudio(userId, audio);
    // Video receive slots get their tracks here too: those are played by the video stage (op 40), and
    // a video track in the audio graph throws (createMediaStreamSource: no audio track).
    pc.ontrack = (ev) => {
      if (ev.track.kind === 'audio') received.addTrack(ev.receiver, ev.track);
    };
    // Joined without a gesture (a rejoin after reload): the slots start once the user enables audio.
    this.unsubscribeAudioState = subscribeAudioState(() => {
      if (ctx.state === 'running') received.resumePlayback();
    });
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected' && !this.reportedConnected) {
        this.reportedConnected = true;
        this.events.connected();
      } else if (pc.connectionState === 'failed') this.fail(4900, 'WebRTC connection failed');
    };
    await pc.setLocalDescription(await pc.createOffer());
    // The offer carries the track's SSRC; until the gate opens the sender has no track (sends nothing).
    if (!this.transmitting) await this.micSender.replaceTrack(null);
    await waitForIceGathering(pc, ICE_GATHER_TIMEOUT_MS);
    const sdp = pc.localDescription?.sdp ?? '';
    const ssrcs = firstSsrcByMid(sdp);
    for (const [type, tx] of [['video', cameraTx], ['screen', screenTx]] as const) {
      if (tx.mid === null) console.warn(`the ${type} m-line has no mid: no ${type} in this call`);
      else this.videoSenders[type] = { sender: tx.sender, ssrc: ssrcs.get(tx.mid) ?? 0, mid: tx.mid };
    }
    // The offer goes in `sdp` only: the voice gateway takes 16 KiB frames, and an offer with the
    // receive pool is big enough that sending it twice (also as `data`) would not fit.
    this.socket?.send(VoiceOpcode.SelectProtocol, {
      protocol: 'webrtc',
      data: '',
      sdp,
      codecs: [{ name: 'opus', type: 'audio', priority: 1000, payload_type: 111, rtx_payload_type: null }],
    });
    this.levelTimer = setInterval(() => this.tick(), LEVEL_INTERVAL_MS);
  }

  /** The answer names each receive slot's SSRC (its m-line's a=ssrc). */
  private async applyAnswer(pc: RTCPeerConnection, sdp: string): Promise<void> {
    await pc.setRemoteDescription({ type: 'answer', sdp });
    this.received?.setAnswer(sdp, pc.getTransceivers());
    this.answered = true;
    // Sources turned on while connecting, and what we watch, go out now.
    for (const type of ['video', 'screen'] as const) if (this.videoTracks[type]) this.applyVideoSource(type);
    if (Object.keys(this.videoWants).length > 0) this.sendWants();
  }

  /** Reports ring changes for remote users (op 5 and the level of their slot). */
  private updateRings(nowMs: number, rings = this.received?.owners.rings(nowMs) ?? new Set<string>()): void {
    for (const userId of this.remoteRings) if (!rings.has(userId)) {
      this.remoteRings.delete(userId);
      this.events.speaking(userId, false);
    }
    for (const userId of rings) if (!this.remoteRings.has(userId)) {
      this.remoteRings.add(userId);
      this.events.speaking(userId, true);
    }
  }

  private tick(): void {
    if (!this.mic || !this.target) return;
    const now = performance.now();
    const level = this.mic.levelDb();
    this.events.inputLevel(level);
    this.gate.level(level, now);
    this.updateTransmit();
    if (this.received) this.updateRings(now, this.received.tick(now, LEVEL_INTERVAL_MS / 1000));
  }

  /**
   * The microphone is on the sender while the gate is open and we are not muted (by ourselves or
   * by a moderator), and op 5 says so; otherwise the sender has no track and sends no packets at
   * all (muted means nothing leaves).
   */
  private updateTransmit(): void {
    if (!this.mic || !this.target) return;
    const transmit = this.gate.open && !this.selfMute && !this.selfDeaf && !this.serverMute;
    if (transmit === this.transmitting) return;
    this.transmitting = transmit;
    this.micSender?.replaceTrack(transmit ? this.mic.track : null).catch((err: unknown) => console.warn('microphone track not switched', err));
    this.socket?.send(VoiceOpcode.Speaking, { speaking: transmit ? SpeakingFlags.Microphone : 0, delay: 0, ssrc: this.ssrc });
    this.events.speaking(this.target.userId, transmit);
  }

  /**
   * After new settings: the microphone may send another track now (another device, new
   * constraints, or through the graph). replaceTrack keeps the transceiver, its SSRC and the
   * negotiated Opus: the listener hears the new track without a new offer.
   */
  private sendCurrentTrack(): void {
    if (!this.mic || !this.micSender || !this.transmitting || this.closed) return;
    const track = this.mic.track;
    if (this.micSender.track !== track) this.micSender.replaceTrack(track).catch((err: unknown) => console.warn('microphone track not switched', err));
  }

  private fail(code: number, reason: string): void {
    if (this.closed) return;
    const final = FINAL_CLOSES.has(code);
    this.close();
    this.events.lost(code, reason, final);
  }
}

export interface VoiceEngineStats {
  inboundAudioEnergy: number;
  receivedEnergyByUser: Record<string, number>;
  rtpAudioEnergy: number;
  inboundPackets: number;
  outboundPackets: number;
  connectionState: string;
  slots: SlotStats[];
  noiseSuppressor: string;
  rnnoiseFrames: number;
  /** The track on the microphone's sender now (null while the gate is closed or muted). */
  senderTrackId: string | null;
  /** The track the microphone would send (the device's, or the processing graph's). */
  microphoneTrackId: string | null;
  audioContextState: string;
  /** The AudioContext's output device ('' the default; null where the browser cannot route it). */
  outputSinkId: string | null;
  /** Per video receive slot (by mid): what it decoded. */
  videoInbound?: Record<string, VideoInboundStats>;
  /** Per video source m-line (by mid): what it sent. */
  videoOutbound?: Record<string, VideoOutboundStats>;
}

function waitForIceGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
