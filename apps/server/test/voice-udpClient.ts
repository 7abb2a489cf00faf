// A minimal UDP voice client for the SFU tests: a real dgram socket that does IP discovery, seals
// Opus RTP with its own VoiceCipher, and opens what the server forwards to it.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { decodeIpDiscovery, encodeIpDiscovery, VoiceCipher, writeOpusRtpHeader, type OpenedRtp } from '@concord/media';
import type { VoiceEncryptionMode } from '@concord/protocol';
import type { MediaParticipant, UdpMediaServer } from '../src/voice/udp/UdpMediaServer.ts';

export interface ReceivedRtp extends OpenedRtp { ssrc: number; sequence: number; timestamp: number }

export class VoiceUdpTestClient {
  readonly key = randomBytes(32);
  readonly cipher: VoiceCipher;
  /** Every datagram the server sent us, raw. */
  readonly datagrams: Buffer[] = [];
  /** Forwarded media we could open with our key. */
  readonly media: ReceivedRtp[] = [];
  /** Forwarded media we could not open. */
  undecryptable = 0;
  sequence = 0;

  private constructor(readonly socket: dgram.Socket, readonly server: UdpMediaServer, readonly participant: MediaParticipant, readonly mode: VoiceEncryptionMode) {
    this.cipher = new VoiceCipher(mode, this.key);
    socket.on('message', (msg) => {
      this.datagrams.push(msg);
      if (msg.length <= 8 || msg.length === 74) return;
      const opened = this.cipher.decryptRtp(msg);
      if (opened === null) { this.undecryptable++; return; }
      this.media.push({ ...opened, ssrc: msg.readUInt32BE(8), sequence: msg.readUInt16BE(2), timestamp: msg.readUInt32BE(4) });
    });
  }

  get ssrc(): number {
    return this.participant.ssrc;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Joins `roomId`: add, IP discovery, setSession, as the voice gateway drives it. */
  static async join(server: UdpMediaServer, roomId: string, mode: VoiceEncryptionMode = 'aead_aes256_gcm_rtpsize', userId = `u${String(Math.random()).slice(2, 10)}`): Promise<VoiceUdpTestClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => { socket.bind(0, '127.0.0.1', resolve); });
    const client = new VoiceUdpTestClient(socket, server, server.add({ userId, roomId }), mode);
    const answer = await client.discover();
    if (answer.port !== client.port) throw new Error('IP discovery answered the wrong port');
    server.setSession(client.ssrc, mode, client.key);
    return client;
  }

  async discover(ssrc = this.ssrc, timeoutMs = 2000): Promise<{ address: string; port: number }> {
    const before = this.datagrams.length;
    this.send(encodeIpDiscovery({ type: 1, ssrc, address: '', port: 0 }));
    await waitFor(() => this.datagrams.slice(before).some((d) => d.length === 74), timeoutMs, 'IP discovery answer');
    const answer = decodeIpDiscovery(this.datagrams.slice(before).find((d) => d.length === 74) ?? Buffer.alloc(0));
    if (answer?.type !== 2 || answer.ssrc !== ssrc) throw new Error('bad IP discovery answer');
    return answer;
  }

  /** A sealed Opus packet from this client (its own nonce counter, next sequence). */
  packet(opus: Buffer, ssrc = this.ssrc): Buffer {
    const header = Buffer.alloc(12);
    this.sequence = (this.sequence + 1) & 0xffff;
    writeOpusRtpHeader(header, 0, this.sequence, this.sequence * 960, ssrc);
    const sealed = this.cipher.seal(header, opus);
    return sealed;
  }

  send(datagram: Uint8Array): void {
    this.socket.send(datagram, this.server.port, '127.0.0.1');
  }

  sendOpus(opus: Buffer): Buffer {
    const p = this.packet(opus);
    this.send(p);
    return p;
  }

  close(): Promise<void> {
    return new Promise((resolve) => { this.socket.close(() => { resolve(); }); });
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets datagrams in flight on loopback land (for "nothing arrived" assertions). */
export const settle = (ms = 100): Promise<void> => new Promise((r) => setTimeout(r, ms));
