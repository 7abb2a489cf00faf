// The floor bench:voice compares the SFU against: a bare UDP relay written with node:dgram and
// node:crypto only. It answers IP discovery (to learn each participant's address), then for every
// RTP packet does what the SFU must do at the least: AES-256-GCM-open it with the sender's key
// (rtpsize: the 12-byte header is the AAD, the 4-byte counter at the end is the nonce) and seal it
// again per receiver in the room with that receiver's key and counter. No replay window, no
// speaking events, no address checks, no drop accounting: the cost of the crypto and the sends.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import dgram from 'node:dgram';

interface Member {
  readonly ssrc: number;
  readonly key: KeyObject;
  readonly room: Member[];
  address: string | null;
  port: number;
  counter: number;
}

const HEADER = 12;
const TAG = 16;
const NONCE = 4;

export class BareVoiceRelay {
  private readonly members = new Map<number, Member>();
  private readonly rooms = new Map<string, Member[]>();
  private readonly iv = Buffer.alloc(12);
  forwarded = 0;
  received = 0;

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => { this.onDatagram(msg, rinfo.address, rinfo.port); });
  }

  static async start(host: string): Promise<BareVoiceRelay> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20, lookup: (h, _o, cb) => { cb(null, h, 4); } });
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new BareVoiceRelay(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  add(ssrc: number, key: Uint8Array, roomId: string): void {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = []));
    const m: Member = { ssrc, key: createSecretKey(Buffer.from(key)), room, address: null, port: 0, counter: 0 };
    room.push(m);
    this.members.set(ssrc, m);
  }

  close(): Promise<void> {
    return new Promise((resolve) => { this.socket.close(() => { resolve(); }); });
  }

  private onDatagram(msg: Buffer, address: string, port: number): void {
    this.received++;
    if (msg.length === 74 && msg[1] === 1) {
      const m = this.members.get(msg.readUInt32BE(4));
      if (!m) return;
      m.address = address;
      m.port = port;
      const answer = Buffer.alloc(74);
      answer.writeUInt16BE(2, 0);
      answer.writeUInt16BE(70, 2);
      answer.writeUInt32BE(m.ssrc, 4);
      answer.write(address, 8);
      answer.writeUInt16BE(port, 72);
      this.socket.send(answer, port, address);
      return;
    }
    if (msg.length < HEADER + TAG + NONCE) return;
    const sender = this.members.get(msg.readUInt32BE(8));
    if (!sender) return;
    const tagAt = msg.length - TAG - NONCE;
    this.iv.fill(0);
    msg.copy(this.iv, 0, msg.length - NONCE);
    const decipher = createDecipheriv('aes-256-gcm', sender.key, this.iv, { authTagLength: TAG });
    const header = msg.subarray(0, HEADER);
    decipher.setAAD(header);
    decipher.setAuthTag(msg.subarray(tagAt, tagAt + TAG));
    const body = decipher.update(msg.subarray(HEADER, tagAt));
    try {
      decipher.final();
    } catch {
      return;
    }
    for (const r of sender.room) {
      if (r === sender || r.address === null) continue;
      r.counter = (r.counter + 1) >>> 0;
      this.iv.writeUInt32BE(r.counter, 0);
      const cipher = createCipheriv('aes-256-gcm', r.key, this.iv, { authTagLength: TAG });
      cipher.setAAD(header);
      const ct = cipher.update(body);
      cipher.final();
      const out = Buffer.allocUnsafe(HEADER + ct.length + TAG + NONCE);
      header.copy(out, 0);
      ct.copy(out, HEADER);
      cipher.getAuthTag().copy(out, HEADER + ct.length);
      out.writeUInt32BE(r.counter, out.length - NONCE);
      this.socket.send(out, r.port, r.address);
      this.forwarded++;
    }
  }
}
