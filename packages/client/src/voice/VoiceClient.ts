// A headless voice client over Concord's (and Discord's) UDP voice path, for tests, benches and bots:
// it dials the voice gateway (v8), identifies, does IP discovery, selects `aead_aes256_gcm_rtpsize`
// (or the XChaCha20 mode), sends Opus RTP from PCM or pre-encoded Opus, and receives every other
// speaker's stream through a jitter buffer and Opus decoder (FEC, then PLC), as PCM frames per user.
// A dropped gateway socket is resumed (op 7) with the same UDP socket and keys; 4014 is final.
import { performance } from 'node:perf_hooks';
import {
  isRtcp, opusPayloadOf, readNonceCounter, ReplayWindow, rtpPayloadType, rtpSequence, rtpSsrc, rtpTimestamp, rtpsizeHeaderBytes,
  AEAD_OVERHEAD_BYTES, VoiceCipher, type OpusBackend,
} from '@concord/media';
import { SpeakingFlags, VOICE_ENCRYPTION_MODES, VOICE_OPUS_PAYLOAD_TYPE, VoiceCloseCode, VoiceOpcode, type VoiceEncryptionMode } from '@concord/protocol';
import { TypedEmitter } from '../TypedEmitter.ts';
import type { LossOptions } from './LossInjector.ts';
import { VoiceGatewayConnection, ZOMBIE_CLOSE_CODE } from './VoiceGatewayConnection.ts';
import { VoiceReceiver, type ReceivedFrame, type RemoteStreamStats } from './VoiceReceiver.ts';
import { VoiceSender, type PlayOptions } from './VoiceSender.ts';
import { VoiceUdpSocket } from './VoiceUdpSocket.ts';
import type { ServerFrame } from './serverFrames.ts';

/** What VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE tell a client (or a test hands over directly). */
export interface VoiceConnectionInfo {
  /** `host:port` of the voice gateway. */
  readonly endpoint: string;
  readonly token: string;
  /** The main gateway session id. */
  readonly sessionId: string;
  /** Guild id (or the channel id of a DM call). */
  readonly serverId: string;
  readonly userId: string;
}

export interface VoiceClientOptions extends VoiceConnectionInfo {
  /** PEM CA to trust for the voice gateway's TLS (a self-signed server). */
  readonly ca?: string | Buffer | undefined;
  /** Channels sent and decoded (default 2, as Discord clients; 1 for mono fixtures). */
  readonly channels?: 1 | 2 | undefined;
  readonly mode?: VoiceEncryptionMode | undefined;
  readonly backend?: OpusBackend | undefined;
  readonly bitrate?: number | undefined;
  /** Jitter buffer floor for incoming streams (default 20 ms). */
  readonly minJitterDelayMs?: number | undefined;
  /** Seeded loss injection on the UDP path, for tests. */
  readonly loss?: { readonly outgoing?: LossOptions; readonly incoming?: LossOptions } | undefined;
  /** Resume after socket drops (default true). */
  readonly reconnect?: boolean | undefined;
}

export type VoiceClientState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting' }
  /** Identified; waiting for READY, IP discovery and the session description. */
  | { readonly status: 'handshaking' }
  | { readonly status: 'ready'; readonly ssrc: number; readonly mode: VoiceEncryptionMode }
  | { readonly status: 'resuming'; readonly attempt: number }
  | { readonly status: 'waiting'; readonly delayMs: number; readonly attempt: number }
  | { readonly status: 'closed'; readonly code: number; readonly reason: string };

export interface VoiceClientEvents {
  stateChange: [oldState: VoiceClientState, newState: VoiceClientState];
  /** A decoded (or concealed) 20 ms frame of another member's audio. */
  audio: [frame: ReceivedFrame];
  speaking: [userId: string, ssrc: number, flags: number];
  clientsConnect: [userIds: string[]];
  clientDisconnect: [userId: string];
  close: [code: number, reason: string];
  debug: [message: string];
}

export interface VoiceClientStats {
  readonly state: VoiceClientState['status'];
  readonly ssrc: number;
  readonly pingMs: number;
  readonly sent: { readonly packets: number; readonly framesNotReady: number; readonly droppedByInjector: number };
  readonly received: {
    readonly datagrams: number; readonly media: number; readonly rtcp: number; readonly garbage: number;
    readonly replayed: number; readonly badKey: number; readonly droppedByInjector: number;
  };
  readonly streams: RemoteStreamStats[];
  readonly resumes: number;
}

/** Close codes after which neither RESUME nor a new IDENTIFY can work. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  VoiceCloseCode.Disconnected, VoiceCloseCode.AuthenticationFailed, VoiceCloseCode.ServerNotFound, VoiceCloseCode.UnknownProtocol,
  VoiceCloseCode.UnknownEncryptionMode, VoiceCloseCode.NotAuthenticated, VoiceCloseCode.AlreadyAuthenticated, VoiceCloseCode.DecodeError,
  VoiceCloseCode.UnknownOpcode, VoiceCloseCode.BadRequest,
]);
/** The session is gone on the server but the grant may stand: identify again. */
const REIDENTIFY_CLOSE_CODES: ReadonlySet<number> = new Set([VoiceCloseCode.SessionNoLongerValid, VoiceCloseCode.SessionTimeout]);
const MAX_RECONNECT_ATTEMPTS = 8;

export class VoiceClient extends TypedEmitter<VoiceClientEvents> {
  private current: VoiceClientState = { status: 'idle' };
  private connection: VoiceGatewayConnection | null = null;
  private udp: VoiceUdpSocket | null = null;
  /** Seals what we send; a second instance opens what we receive (one counter per direction). */
  private sendCipher: VoiceCipher | null = null;
  private receiveCipher: VoiceCipher | null = null;
  private replay = new ReplayWindow();
  private ssrc = 0;
  private resumable = false;
  private attempts = 0;
  private resumes = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private speakingFlags = 0;
  private closedByUser = false;
  private readonly receiver: VoiceReceiver;
  private readonly sender: VoiceSender;
  private readonly counts = { datagrams: 0, media: 0, rtcp: 0, garbage: 0, replayed: 0, badKey: 0 };

  constructor(private readonly options: VoiceClientOptions) {
    super();
    const channels = options.channels ?? 2;
    this.receiver = new VoiceReceiver({ channels, backend: options.backend, minDelayMs: options.minJitterDelayMs }, (frame) => { this.emit('audio', frame); });
    this.sender = new VoiceSender({ channels, backend: options.backend, bitrate: options.bitrate }, {
      cipher: () => (this.udp === null ? null : this.sendCipher),
      ssrc: () => this.ssrc,
      send: (datagram) => { this.udp?.send(datagram); },
      speaking: (on) => { this.setSpeaking(on ? SpeakingFlags.Microphone : 0); },
    });
  }

  get state(): VoiceClientState {
    return this.current;
  }

  /** Our SSRC (0 before READY). */
  get ownSsrc(): number {
    return this.ssrc;
  }

  connect(): void {
    this.closedByUser = false;
    this.open(false);
  }

  /** Resolves when media can flow (READY + session description, or RESUMED). */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    if (this.current.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`voice not ready after ${String(timeoutMs)} ms (state ${this.current.status})`));
      }, timeoutMs);
      const off = this.on('stateChange', (_old, next) => {
        if (next.status !== 'ready' && next.status !== 'closed') return;
        clearTimeout(timer);
        off();
        if (next.status === 'ready') resolve();
        else reject(new Error(`voice connection closed: ${String(next.code)} ${next.reason}`));
      });
    });
  }

  /** Encodes and sends one 20 ms PCM frame (960 * channels samples); false when not connected. */
  sendPcm(pcm: Int16Array): boolean {
    return this.sender.sendPcm(pcm);
  }

  /** Sends one pre-encoded 20 ms Opus packet. */
  sendOpus(opus: Uint8Array): boolean {
    return this.sender.sendOpus(opus);
  }

  /** Plays interleaved PCM in real time (20 ms frames), then ends the talk spurt. */
  play(samples: Int16Array, options?: PlayOptions): Promise<number> {
    return this.sender.play(samples, options);
  }

  /** Five silence frames and speaking 0. */
  endSpurt(): void {
    this.sender.endSpurt();
  }

  /** op 5: announces our speaking flags (VoiceSender calls it around talk spurts). */
  setSpeaking(flags: number): void {
    this.speakingFlags = flags;
    this.connection?.send(VoiceOpcode.Speaking, { speaking: flags, delay: 0, ssrc: this.ssrc });
  }

  stats(): VoiceClientStats {
    return {
      state: this.current.status,
      ssrc: this.ssrc,
      pingMs: this.connection?.pingMs ?? -1,
      sent: { packets: this.sender.packetsSent, framesNotReady: this.sender.framesNotReady, droppedByInjector: this.udp?.outgoingLoss?.dropped ?? 0 },
      received: { ...this.counts, droppedByInjector: this.udp?.incomingLoss?.dropped ?? 0 },
      streams: this.receiver.stats(),
      resumes: this.resumes,
    };
  }

  /** Drops the gateway socket as a network failure would; the client resumes (op 7). */
  dropConnection(): void {
    this.connection?.close(ZOMBIE_CLOSE_CODE, 'simulated drop');
  }

  /** Leaves for good: closes the gateway socket (1000) and the UDP socket. */
  close(code = 1000, reason = 'closed by client'): void {
    this.closedByUser = true;
    this.teardown();
    this.connection?.close(code, reason);
    this.connection = null;
    this.setState({ status: 'closed', code, reason });
  }

  // ---- internals ----

  private setState(next: VoiceClientState): void {
    const old = this.current;
    this.current = next;
    this.emit('stateChange', old, next);
  }

  private open(resume: boolean): void {
    const seqAck = resume ? (this.connection?.seqAck ?? -1) : -1;
    this.setState(resume ? { status: 'resuming', attempt: this.attempts } : { status: 'connecting' });
    const o = this.options;
    const connection: VoiceGatewayConnection = new VoiceGatewayConnection({ endpoint: o.endpoint, ca: o.ca, seqAck }, {
      open: () => {
        // @discordjs/voice sends IDENTIFY / RESUME as soon as the socket opens, before HELLO; so do we.
        if (resume) connection.send(VoiceOpcode.Resume, { server_id: o.serverId, session_id: o.sessionId, token: o.token, seq_ack: seqAck });
        else {
          connection.send(VoiceOpcode.Identify, { server_id: o.serverId, user_id: o.userId, session_id: o.sessionId, token: o.token, max_dave_protocol_version: 0 });
          this.setState({ status: 'handshaking' });
        }
      },
      frame: (frame) => { if (this.connection === connection) this.onFrame(frame); },
      close: (code, reason) => { if (this.connection === connection) this.onClosed(code, reason); },
      debug: (message) => { this.emit('debug', message); },
    });
    this.connection = connection;
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.op) {
      case VoiceOpcode.Hello:
      case VoiceOpcode.HeartbeatAck:
        return;
      case VoiceOpcode.Ready:
        this.ssrc = frame.d.ssrc;
        void this.startUdp(frame.d.ip, frame.d.port, frame.d.modes);
        return;
      case VoiceOpcode.SessionDescription: {
        const mode = VOICE_ENCRYPTION_MODES.find((m) => m === frame.d.mode);
        if (mode === undefined) return this.fail(VoiceCloseCode.UnknownEncryptionMode, `server chose unknown mode ${frame.d.mode}`);
        const key = Uint8Array.from(frame.d.secret_key);
        this.sendCipher = new VoiceCipher(mode, key);
        this.receiveCipher = new VoiceCipher(mode, key);
        this.replay = new ReplayWindow();
        this.resumable = true;
        this.attempts = 0;
        this.udp?.startKeepAlives();
        this.setState({ status: 'ready', ssrc: this.ssrc, mode });
        return;
      }
      case VoiceOpcode.Resumed: {
        this.attempts = 0;
        this.resumes++;
        const mode = this.sendCipher?.mode;
        if (mode === undefined) return this.fail(4000, 'resumed without a session');
        if (this.speakingFlags !== 0) this.setSpeaking(this.speakingFlags);
        this.setState({ status: 'ready', ssrc: this.ssrc, mode });
        return;
      }
      case VoiceOpcode.Speaking:
        this.receiver.mapSsrc(frame.d.ssrc, frame.d.user_id);
        this.emit('speaking', frame.d.user_id, frame.d.ssrc, frame.d.speaking);
        return;
      case VoiceOpcode.ClientsConnect:
        this.emit('clientsConnect', frame.d.user_ids);
        return;
      case VoiceOpcode.ClientDisconnect:
        this.receiver.forgetUser(frame.d.user_id);
        this.emit('clientDisconnect', frame.d.user_id);
        return;
      default:
        return missingCase(frame);
    }
  }

  private async startUdp(ip: string, port: number, modes: string[]): Promise<void> {
    const wanted = this.options.mode ?? VOICE_ENCRYPTION_MODES[0];
    if (!modes.includes(wanted)) return this.fail(VoiceCloseCode.UnknownEncryptionMode, `server does not offer ${wanted}`);
    this.udp?.close();
    let udp: VoiceUdpSocket | null = null;
    try {
      const loss = this.options.loss;
      udp = await VoiceUdpSocket.open(ip, port, (d) => { this.onDatagram(d); }, {
        ...(loss?.outgoing === undefined ? {} : { outgoingLoss: loss.outgoing }),
        ...(loss?.incoming === undefined ? {} : { incomingLoss: loss.incoming }),
      });
      this.udp = udp;
      const seen = await udp.discover(this.ssrc);
      this.connection?.send(VoiceOpcode.SelectProtocol, { protocol: 'udp', data: { address: seen.address, port: seen.port, mode: wanted } });
    } catch (error) {
      // Closed under us (the client closed or a newer READY replaced the socket): nothing failed.
      if (udp?.isClosed === true) return;
      this.fail(4000, `UDP setup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The receive hot path: authenticate, replay-check, hand the Opus payload to its stream. */
  private onDatagram(packet: Buffer): void {
    const c = this.counts;
    c.datagrams++;
    const cipher = this.receiveCipher;
    if (isRtcp(packet)) { c.rtcp++; return; }
    const headerBytes = rtpsizeHeaderBytes(packet);
    if (cipher === null || headerBytes < 0 || rtpPayloadType(packet) !== VOICE_OPUS_PAYLOAD_TYPE || packet.length < headerBytes + AEAD_OVERHEAD_BYTES) { c.garbage++; return; }
    const counter = readNonceCounter(packet);
    if (!this.replay.accepts(counter)) { c.replayed++; return; }
    const body = cipher.open(packet, headerBytes);
    if (body === null) { c.badKey++; return; }
    this.replay.commit(counter);
    const opus = opusPayloadOf(packet, headerBytes, body);
    if (opus === null) { c.garbage++; return; }
    c.media++;
    this.receiver.push(rtpSsrc(packet), rtpSequence(packet), rtpTimestamp(packet), opus);
  }

  private onClosed(code: number, reason: string): void {
    this.emit('close', code, reason);
    if (this.closedByUser) return;
    if (FINAL_CLOSE_CODES.has(code) || this.options.reconnect === false) {
      this.teardown();
      this.setState({ status: 'closed', code, reason });
      return;
    }
    const reidentify = REIDENTIFY_CLOSE_CODES.has(code) || !this.resumable;
    if (reidentify) this.resetMedia();
    const attempt = this.attempts++;
    if (attempt >= MAX_RECONNECT_ATTEMPTS) {
      this.teardown();
      this.setState({ status: 'closed', code, reason: `gave up after ${String(attempt)} attempts: ${reason}` });
      return;
    }
    const delayMs = attempt === 0 ? 0 : Math.min(5_000, 250 * 2 ** attempt);
    this.setState({ status: 'waiting', delayMs, attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedByUser) this.open(!reidentify);
    }, delayMs);
  }

  private fail(code: number, reason: string): void {
    this.emit('debug', reason);
    this.closedByUser = true;
    this.teardown();
    this.connection?.close(code < 4000 ? 4000 : code, reason.slice(0, 120));
    this.connection = null;
    this.setState({ status: 'closed', code, reason });
  }

  /** Forgets the media session (a new IDENTIFY gets a new SSRC, key and UDP socket). */
  private resetMedia(): void {
    this.resumable = false;
    this.udp?.close();
    this.udp = null;
    this.sendCipher = null;
    this.receiveCipher = null;
    this.ssrc = 0;
  }

  private teardown(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.resetMedia();
    this.receiver.close();
    this.sender.close();
  }
}

function missingCase(value: never): never {
  throw new Error(`unhandled voice frame ${JSON.stringify(value)}`);
}

/** performance.now() on the same clock VoiceReceiver stamps frames with (for latency measurements). */
export const voiceClockMs = (): number => performance.now();
