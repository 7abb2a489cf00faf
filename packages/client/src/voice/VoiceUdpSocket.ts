// The client's UDP socket to a voice server: IP discovery (ask the server which address and port it
// sees us at), keep-alives every 5 s, and sending and receiving datagrams, with an optional seeded
// loss injector on each direction. What the datagrams mean is VoiceClient's business.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { decodeIpDiscovery, encodeIpDiscovery, IP_DISCOVERY_ANSWER, IP_DISCOVERY_REQUEST } from '@concord/media';
import { IP_DISCOVERY_LENGTH } from '@concord/protocol';
import { LossInjector, type LossOptions } from './LossInjector.ts';

const KEEP_ALIVE_INTERVAL_MS = 5_000;
const KEEP_ALIVE_BYTES = 8;
const DISCOVERY_RETRY_MS = 500;

export interface VoiceUdpOptions {
  /** Drop a share of outgoing / incoming datagrams (media only; discovery and keep-alives pass). */
  readonly outgoingLoss?: LossOptions;
  readonly incomingLoss?: LossOptions;
}

export class VoiceUdpSocket {
  private readonly socket: dgram.Socket;
  private readonly keepAlive = Buffer.alloc(KEEP_ALIVE_BYTES);
  private keepAliveCounter = 0;
  private keepAliveTimer: ReturnType<typeof setInterval> | null = null;
  private discovery: ((answer: { address: string; port: number }) => void) | null = null;
  /** Ends a pending discover() when the socket closes under it (its retries must stop sending). */
  private abortDiscovery: (() => void) | null = null;
  private closed = false;
  readonly outgoingLoss: LossInjector | null;
  readonly incomingLoss: LossInjector | null;
  /** Datagrams sent (after loss injection) and send errors. */
  sent = 0;
  sendErrors = 0;

  private constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
    onMedia: (datagram: Buffer) => void,
    options: VoiceUdpOptions,
  ) {
    this.outgoingLoss = options.outgoingLoss ? new LossInjector(options.outgoingLoss) : null;
    this.incomingLoss = options.incomingLoss ? new LossInjector(options.incomingLoss) : null;
    this.socket = dgram.createSocket({
      type: isIP(remoteAddress) === 6 ? 'udp6' : 'udp4',
      // The server's address is an IP literal: resolve it synchronously, no dns.lookup per send.
      lookup: (hostname, _o, callback) => { callback(null, hostname, isIP(hostname) === 6 ? 6 : 4); },
    });
    this.socket.on('message', (msg) => {
      if (msg.length === IP_DISCOVERY_LENGTH && this.discovery !== null) {
        const answer = decodeIpDiscovery(msg);
        if (answer?.type === IP_DISCOVERY_ANSWER) {
          const done = this.discovery;
          this.discovery = null;
          done({ address: answer.address, port: answer.port });
          return;
        }
      }
      if (msg.length <= KEEP_ALIVE_BYTES) return; // keep-alive echoes
      if (this.incomingLoss?.drop() === true) return;
      onMedia(msg);
    });
    this.socket.on('error', () => { this.sendErrors++; });
  }

  static async open(remoteAddress: string, remotePort: number, onMedia: (datagram: Buffer) => void, options: VoiceUdpOptions = {}): Promise<VoiceUdpSocket> {
    const s = new VoiceUdpSocket(remoteAddress, remotePort, onMedia, options);
    await new Promise<void>((resolve, reject) => {
      s.socket.once('error', reject);
      s.socket.bind(0, () => { s.socket.off('error', reject); resolve(); });
    });
    return s;
  }

  /** Asks the server where it sees this socket; retries every 500 ms until `timeoutMs`. */
  discover(ssrc: number, timeoutMs = 5_000): Promise<{ address: string; port: number }> {
    const request = encodeIpDiscovery({ type: IP_DISCOVERY_REQUEST, ssrc, address: '', port: 0 });
    return new Promise((resolve, reject) => {
      if (this.closed) { reject(new Error('the UDP socket is closed')); return; }
      const send = () => { this.socket.send(request, this.remotePort, this.remoteAddress); };
      const retry = setInterval(send, DISCOVERY_RETRY_MS);
      const finish = () => {
        clearInterval(retry);
        clearTimeout(timer);
        this.discovery = null;
        this.abortDiscovery = null;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no IP discovery answer from ${this.remoteAddress}:${String(this.remotePort)} in ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.discovery = (answer) => {
        finish();
        resolve(answer);
      };
      this.abortDiscovery = () => {
        finish();
        reject(new Error('the UDP socket is closed'));
      };
      send();
    });
  }

  /** 8-byte keep-alives (a little-endian counter), as Discord clients send them, every 5 s. */
  startKeepAlives(): void {
    if (this.keepAliveTimer !== null) return;
    const beat = () => {
      this.keepAlive.writeUInt32LE(this.keepAliveCounter, 0);
      this.keepAliveCounter = (this.keepAliveCounter + 1) >>> 0;
      this.socket.send(this.keepAlive, this.remotePort, this.remoteAddress);
    };
    beat();
    this.keepAliveTimer = setInterval(beat, KEEP_ALIVE_INTERVAL_MS);
    this.keepAliveTimer.unref();
  }

  /** Sends a media datagram (unless the loss injector drops it). The buffer must not be reused. */
  send(datagram: Buffer): void {
    if (this.closed || this.outgoingLoss?.drop() === true) return;
    this.sent++;
    this.socket.send(datagram, this.remotePort, this.remoteAddress);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepAliveTimer !== null) clearInterval(this.keepAliveTimer);
    this.abortDiscovery?.();
    this.socket.close();
  }
}
