// The UDP half of the SFU: one socket for every voice client. It answers IP discovery, echoes
// keep-alives, and forwards Opus RTP without decoding it: each packet is authenticated and decrypted
// once with its sender's key, then sealed again per receiver with that receiver's key and nonce
// counter (the sender's SSRC, sequence and timestamp unchanged), within the sender's room only,
// never back to the sender nor to deafened members. Everything else is dropped and counted.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import {
  encodeIpDiscovery, IP_DISCOVERY_ANSWER, isIpDiscoveryRequest, isRtcp, AEAD_OVERHEAD_BYTES, opusPayloadOf,
  readNonceCounter, rtpPayloadType, rtpSequence, rtpSsrc, rtpTimestamp, rtpsizeHeaderBytes, writeOpusRtpHeader,
} from '@concord/media';
import { VOICE_OPUS_PAYLOAD_TYPE, type VoiceEncryptionMode } from '@concord/protocol';
import { MediaRoom, removeFrom, UdpPeer, type MediaParticipant, type MediaSink } from './UdpPeer.ts';

export type { MediaParticipant, MediaSink } from './UdpPeer.ts';

export interface UdpMediaOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** The IPv4 address READY announces. */
  publicIp: string;
  log?: Logger;
}

export type UdpDropReason = 'garbage' | 'truncated' | 'replayed' | 'badKey' | 'unknownSsrc' | 'notAllowed' | 'wrongAddress';

export interface UdpMediaStats {
  /** Every datagram read. */
  received: number;
  /** Sealed copies sent to receivers (one packet to 9 receivers counts 9), plus sink deliveries. */
  forwarded: number;
  dropped: Record<UdpDropReason, number>;
  /** RTCP from clients (read and ignored, not garbage). */
  rtcp: number;
  /** 8-byte keep-alives from a known address, echoed. */
  keepAlives: number;
  /** IP discovery requests answered. */
  discoveries: number;
  /** A speaking/activity listener or a sink threw (caught and logged; forwarding goes on). */
  listenerErrors: number;
}

/** @discordjs/voice and Discord clients send 8 bytes (a little-endian counter and zeros) every 5 s. */
const KEEP_ALIVE_BYTES = 8;
/** A gap this long ends a talk spurt; the next packet is announced (op 5) before it is forwarded. */
const SPEAKING_GAP_MS = 200;
const ACTIVITY_INTERVAL_MS = 10_000;
const RTP_MIN_BYTES = 12;
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

const addressKey = (address: string, port: number) => `${address}|${String(port)}`;

export class UdpMediaServer {
  readonly port: number;
  readonly publicIp: string;
  private readonly peers = new Map<number, UdpPeer>();
  private readonly peersByAddress = new Map<string, UdpPeer>();
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly speakingListeners: ((p: MediaParticipant) => void)[] = [];
  private readonly activityListeners: ((p: MediaParticipant) => void)[] = [];
  private readonly counters: UdpMediaStats = {
    received: 0, forwarded: 0, rtcp: 0, keepAlives: 0, discoveries: 0, listenerErrors: 0,
    dropped: { garbage: 0, truncated: 0, replayed: 0, badKey: 0, unknownSsrc: 0, notAllowed: 0, wrongAddress: 0 },
  };
  /** The header injectFrom builds for media from a non-UDP transport (copied by every seal). */
  private readonly injectHeader = Buffer.alloc(RTP_MIN_BYTES);
  private closed = false;

  private constructor(private readonly socket: dgram.Socket, options: UdpMediaOptions, private readonly log: Logger | undefined) {
    this.port = socket.address().port;
    this.publicIp = options.publicIp;
    socket.on('message', (msg, rinfo) => { this.onDatagram(msg, rinfo.address, rinfo.port); });
  }

  static async start(options: UdpMediaOptions): Promise<UdpMediaServer> {
    const socket = dgram.createSocket({
      type: isIP(options.host) === 6 ? 'udp6' : 'udp4',
      recvBufferSize: SOCKET_BUFFER_BYTES,
      sendBufferSize: SOCKET_BUFFER_BYTES,
      // Every address we send to is an IP literal: resolve synchronously, so send() goes out in this
      // tick instead of after dns.lookup's nextTick (no closure and no latency per packet).
      lookup: (hostname, _options, callback) => { callback(null, hostname, isIP(hostname) === 6 ? 6 : 4); },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => { socket.off('error', reject); resolve(); });
    });
    const server = new UdpMediaServer(socket, options, options.log);
    socket.on('error', (error) => { server.log?.warn({ err: error }, 'voice UDP socket error'); });
    return server;
  }

  /** Allocates a unique non-zero SSRC and registers the participant (before IP discovery). */
  add(p: { userId: string; roomId: string; canSend?: boolean; deaf?: boolean }): MediaParticipant {
    let ssrc = 0;
    while (ssrc === 0 || this.peers.has(ssrc)) ssrc = randomBytes(4).readUInt32BE(0);
    const peer = new UdpPeer({ ssrc, userId: p.userId, roomId: p.roomId }, p.canSend ?? true, p.deaf ?? false);
    this.peers.set(ssrc, peer);
    this.roomOf(p.roomId).peers.push(peer);
    return peer.participant;
  }

  /**
   * After select protocol: the key and mode. Media is accepted only from the address that did IP
   * discovery for this SSRC; `remote` (select protocol's address) is used only when no discovery came,
   * and nothing is sent there until a datagram arrives from it (no reflecting media at third parties).
   */
  setSession(ssrc: number, mode: VoiceEncryptionMode, key: Uint8Array, remote?: { address: string; port: number }): void {
    const peer = this.peers.get(ssrc);
    if (!peer) return;
    peer.setSession(mode, key);
    if (peer.address === null && remote !== undefined && isIP(remote.address) !== 0 && remote.port > 0 && remote.port < 65536) {
      this.bind(peer, remote.address, remote.port, false);
    }
  }

  /** canSend=false drops its media (server or self mute, no SPEAK); deaf forwards nothing to it. */
  setFlags(ssrc: number, flags: { canSend: boolean; deaf: boolean }): void {
    const peer = this.peers.get(ssrc);
    if (!peer) return;
    peer.canSend = flags.canSend;
    peer.deaf = flags.deaf;
  }

  move(ssrc: number, roomId: string): void {
    const peer = this.peers.get(ssrc);
    if (!peer || peer.participant.roomId === roomId) return;
    this.leaveRoom(peer);
    peer.participant.roomId = roomId;
    this.roomOf(roomId).peers.push(peer);
    // The new room has not heard this SSRC yet: announce speaking again on its next packet.
    peer.lastPacketAtMs = Number.NEGATIVE_INFINITY;
  }

  remove(ssrc: number): void {
    const peer = this.peers.get(ssrc);
    if (!peer) return;
    this.peers.delete(ssrc);
    this.leaveRoom(peer);
    this.unbind(peer);
  }

  onSpeakingStart(cb: (p: MediaParticipant) => void): void {
    this.speakingListeners.push(cb);
  }

  onActivity(cb: (p: MediaParticipant) => void): void {
    this.activityListeners.push(cb);
  }

  /** A non-UDP receiver in `roomId` (see MediaSink). Returns the function that removes it. */
  addSink(roomId: string, sink: MediaSink): () => void {
    const room = this.roomOf(roomId);
    room.sinks.push(sink);
    return () => {
      removeFrom(room.sinks, sink);
      if (room.isEmpty() && this.rooms.get(roomId) === room) this.rooms.delete(roomId);
    };
  }

  /**
   * Media from a non-UDP transport for participant `ssrc` (from add()): forwarded to its room like a
   * UDP packet, under the same canSend and speaking rules. False when unknown or not allowed to send.
   */
  injectFrom(ssrc: number, opus: Buffer, sequence: number, timestamp: number): boolean {
    const peer = this.peers.get(ssrc);
    if (!peer?.canSend) return false;
    writeOpusRtpHeader(this.injectHeader, 0, sequence, timestamp, ssrc);
    this.accepted(peer, performance.now());
    this.forward(peer, this.injectHeader, opus, opus, sequence, timestamp);
    return true;
  }

  stats(): UdpMediaStats {
    return { ...this.counters, dropped: { ...this.counters.dropped } };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => { this.socket.close(() => { resolve(); }); });
  }

  // ---- the hot path ----

  private onDatagram(msg: Buffer, address: string, port: number): void {
    const c = this.counters;
    c.received++;
    const length = msg.length;
    if (length === KEEP_ALIVE_BYTES) return this.onKeepAlive(msg, address, port);
    if (isIpDiscoveryRequest(msg)) return this.onDiscovery(msg, address, port);
    if (length === 0 || (msg[0] ?? 0) >> 6 !== 2) { c.dropped.garbage++; return; }
    if (isRtcp(msg)) { c.rtcp++; return; }
    if (length < RTP_MIN_BYTES) { c.dropped.truncated++; return; }
    if (rtpPayloadType(msg) !== VOICE_OPUS_PAYLOAD_TYPE) { c.dropped.garbage++; return; }
    const headerBytes = rtpsizeHeaderBytes(msg);
    if (headerBytes < 0 || length < headerBytes + AEAD_OVERHEAD_BYTES) { c.dropped.truncated++; return; }
    const sender = this.peers.get(rtpSsrc(msg));
    if (sender === undefined) { c.dropped.unknownSsrc++; return; }
    if (!sender.isFrom(address, port)) { c.dropped.wrongAddress++; return; }
    const cipher = sender.cipher;
    if (cipher === null || !sender.canSend) { c.dropped.notAllowed++; return; }
    const counter = readNonceCounter(msg);
    if (!sender.replay.accepts(counter)) { c.dropped.replayed++; return; }
    const body = cipher.open(msg, headerBytes);
    if (body === null) { c.dropped.badKey++; return; }
    sender.replay.commit(counter);
    sender.confirmed = true;
    this.accepted(sender, performance.now());
    const header = msg.subarray(0, headerBytes);
    const room = this.rooms.get(sender.participant.roomId);
    // The Opus payload (extension body and padding removed) is only needed by non-UDP sinks.
    const opus = room !== undefined && room.sinks.length > 0 ? opusPayloadOf(msg, headerBytes, body) : null;
    this.forward(sender, header, body, opus, rtpSequence(msg), rtpTimestamp(msg));
  }

  /** Seals (header, body) for every receiver in the sender's room and hands `opus` to its sinks. */
  private forward(sender: UdpPeer, header: Uint8Array, body: Uint8Array, opus: Buffer | null, sequence: number, timestamp: number): void {
    const room = this.rooms.get(sender.participant.roomId);
    if (room === undefined) return;
    const c = this.counters;
    for (const receiver of room.peers) {
      if (receiver === sender || !receiver.canReceive() || receiver.cipher === null || receiver.address === null) continue;
      // A fresh buffer per receiver: dgram may queue it if the kernel buffer is full.
      this.socket.send(receiver.cipher.seal(header, body), receiver.port, receiver.address);
      c.forwarded++;
    }
    if (opus === null) return;
    const fromSsrc = sender.ssrc;
    for (const sink of room.sinks) {
      if (sink.ssrc === fromSsrc || (sink.ssrc !== 0 && this.peers.get(sink.ssrc)?.deaf === true)) continue;
      try {
        sink.deliver(opus, sequence, timestamp, fromSsrc);
        c.forwarded++;
      } catch (error) {
        this.listenerFailed(error, 'media sink');
      }
    }
  }

  /** Speaking start after a gap (before this packet goes out) and the rate-limited activity event. */
  private accepted(peer: UdpPeer, nowMs: number): void {
    if (nowMs - peer.lastPacketAtMs >= SPEAKING_GAP_MS) this.emit(this.speakingListeners, peer.participant);
    peer.lastPacketAtMs = nowMs;
    if (nowMs - peer.lastActivityAtMs >= ACTIVITY_INTERVAL_MS) {
      peer.lastActivityAtMs = nowMs;
      this.emit(this.activityListeners, peer.participant);
    }
  }

  private onKeepAlive(msg: Buffer, address: string, port: number): void {
    const peer = this.peersByAddress.get(addressKey(address, port));
    // Keep-alives start before IP discovery (@discordjs/voice sends its first at once): those from an
    // address we do not know yet are ignored, not counted as garbage.
    if (peer === undefined) return;
    peer.confirmed = true;
    this.counters.keepAlives++;
    // Echo it (same size, only to a bound address): clients that time the round trip get an answer,
    // and the NAT binding stays open both ways. @discordjs/voice ignores datagrams of 8 bytes or less.
    this.socket.send(Buffer.from(msg), port, address);
  }

  private onDiscovery(msg: Buffer, address: string, port: number): void {
    const peer = this.peers.get(msg.readUInt32BE(4));
    if (peer === undefined) { this.counters.dropped.unknownSsrc++; return; }
    // Before select protocol a client may rediscover (a new socket); after it, the address is fixed.
    if (peer.address !== null && !peer.isFrom(address, port) && peer.cipher !== null && peer.confirmed) {
      this.counters.dropped.wrongAddress++;
      return;
    }
    this.bind(peer, address, port, true);
    this.counters.discoveries++;
    this.socket.send(encodeIpDiscovery({ type: IP_DISCOVERY_ANSWER, ssrc: peer.ssrc, address, port }), port, address);
  }

  private bind(peer: UdpPeer, address: string, port: number, confirmed: boolean): void {
    this.unbind(peer);
    peer.address = address;
    peer.port = port;
    peer.confirmed = confirmed;
    this.peersByAddress.set(addressKey(address, port), peer);
  }

  private unbind(peer: UdpPeer): void {
    if (peer.address === null) return;
    const key = addressKey(peer.address, peer.port);
    // Another participant may have discovered from the same address since (a reused client socket).
    if (this.peersByAddress.get(key) === peer) this.peersByAddress.delete(key);
  }

  private roomOf(roomId: string): MediaRoom {
    let room = this.rooms.get(roomId);
    if (room === undefined) {
      room = new MediaRoom();
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private leaveRoom(peer: UdpPeer): void {
    const roomId = peer.participant.roomId;
    const room = this.rooms.get(roomId);
    if (room === undefined) return;
    removeFrom(room.peers, peer);
    if (room.isEmpty()) this.rooms.delete(roomId);
  }

  private emit(listeners: ((p: MediaParticipant) => void)[], participant: MediaParticipant): void {
    for (const listener of listeners) {
      try {
        listener(participant);
      } catch (error) {
        this.listenerFailed(error, 'voice media listener');
      }
    }
  }

  private listenerFailed(error: unknown, what: string): void {
    this.counters.listenerErrors++;
    this.log?.error({ err: error }, `${what} threw`);
  }
}
