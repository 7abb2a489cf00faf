// One browser in the SFU: a werift RTCPeerConnection that answers the browser's offer (from select
// protocol) with host candidates only, takes the browser's microphone (SRTP, decrypted by werift)
// into the UDP SFU under the participant's own SSRC, and plays the room's speakers to the browser on
// its pool of receive transceivers (ReceiveSlots). It is the room's MediaSink for this participant.
// Each slot sends under its transceiver's own SSRC (werift's sender.ssrc, declared as a=ssrc in the
// answer's m-line); who is on it is reported through onSlotChange, before that speaker's first packet.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, useSdesMid, type MediaStreamTrack, type RTCRtpTransceiver, type RTCRtpSender } from 'werift';
import type { MediaSink } from '../udp/UdpMediaServer.ts';
import { ReceiveSlots } from './ReceiveSlots.ts';
import { keepCandidates, type WebRtcIceOptions } from './iceOptions.ts';

export interface WebRtcPeerStats {
  /** Opus packets from the browser handed to the SFU. */
  fromBrowser: number;
  /** From the browser but not forwarded: another payload type, or not allowed to send. */
  fromBrowserDropped: number;
  /** Packets written to the browser. */
  toBrowser: number;
  /** Not written: every receive slot busy, or the connection not up yet. */
  toBrowserDropped: number;
  sendErrors: number;
}

/** Inbound media from the browser, with the browser's RTP fields (the SFU sets the SSRC). */
export type InjectMedia = (opus: Buffer, sequence: number, timestamp: number) => boolean;

/** A receive slot (known to the browser by `slotSsrc`) now carries, or no longer carries, a speaker. */
export interface SlotChange {
  slotSsrc: number;
  /** The speaker's SFU SSRC (its UDP SSRC, or a browser participant's). */
  speakerSsrc: number;
  held: boolean;
}
export type SlotChangeListener = (change: SlotChange) => void;

const OPUS = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111, parameters: 'minptime=10;useinbandfec=1' });
/** Receive m-lines used at most (more are answered inactive): bounds what one offer can make us build. */
export const MAX_RECEIVE_SLOTS = 16;
/** How long ICE gathering may take before the answer goes out with what it has. */
const GATHER_TIMEOUT_MS = 3_000;

export class WebRtcPeer implements MediaSink {
  private readonly slots: ReceiveSlots;
  private readonly senders: { sender: RTCRtpSender; payloadType: number }[];
  private readonly counters: WebRtcPeerStats = { fromBrowser: 0, fromBrowserDropped: 0, toBrowser: 0, toBrowserDropped: 0, sendErrors: 0 };
  private closed = false;
  /** The Opus payload type the browser sends with (its offer's number). */
  private micPayloadType = 111;

  private constructor(
    readonly ssrc: number,
    private readonly pc: RTCPeerConnection,
    receive: RTCRtpTransceiver[],
    private readonly log: Logger | undefined,
    onSlotChange: SlotChangeListener,
  ) {
    this.senders = receive.map((t) => ({ sender: t.sender, payloadType: opusPayloadType(t) ?? 111 }));
    this.slots = new ReceiveSlots(this.senders.length, (slot, speakerSsrc, held) => { onSlotChange({ slotSsrc: this.senders[slot]!.sender.ssrc, speakerSsrc, held }); });
  }

  /**
   * Answers `offerSdp`. Every audio m-line the browser sends on carries its microphone (the first one
   * is used); every one it receives on becomes a receive slot. Throws on an offer werift rejects.
   * `onSlotChange` must not throw: it runs inside deliver().
   */
  static async answer(ssrc: number, offerSdp: string, ice: WebRtcIceOptions, inject: InjectMedia, onSlotChange: SlotChangeListener, log?: Logger): Promise<{ peer: WebRtcPeer; answerSdp: string }> {
    const pc = new RTCPeerConnection({
      codecs: { audio: [OPUS()] },
      headerExtensions: { audio: [useSdesMid()] },
      iceUseIpv4: true,
      iceUseIpv6: false,
      iceUseTcp: false,
      iceAdditionalHostAddresses: ice.hostAddresses,
      ...(ice.portRange ? { icePortRange: ice.portRange } : {}),
      ...(ice.bindAddress ? { iceInterfaceAddresses: { udp4: ice.bindAddress } } : {}),
      bundlePolicy: 'max-bundle',
    });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const audio = pc.getTransceivers().filter((t) => t.kind === 'audio');
      if (audio.length === 0) throw new Error('the offer has no audio m-line');
      const receive: RTCRtpTransceiver[] = [];
      let mic: RTCRtpTransceiver | undefined;
      for (const t of audio) {
        // werift keeps the offer's direction from our side: 'recvonly' means the browser sends.
        const browserSends = t.offerDirection === 'recvonly' || t.offerDirection === 'sendrecv';
        const browserReceives = (t.offerDirection === 'sendonly' || t.offerDirection === 'sendrecv') && receive.length < MAX_RECEIVE_SLOTS;
        const takeMic = browserSends && mic === undefined;
        if (takeMic) mic = t;
        if (browserReceives) receive.push(t);
        t.setDirection(takeMic && browserReceives ? 'sendrecv' : takeMic ? 'recvonly' : browserReceives ? 'sendonly' : 'inactive');
      }
      const peer = new WebRtcPeer(ssrc, pc, receive, log, onSlotChange);
      if (mic) peer.takeMicrophone(mic, inject);
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined) throw new Error('werift produced no local description');
      // Payload types are known once the answer is set (the browser's numbers win).
      peer.senders.forEach((s, i) => { s.payloadType = opusPayloadType(receive[i]!) ?? s.payloadType; });
      if (mic) peer.micPayloadType = opusPayloadType(mic) ?? peer.micPayloadType;
      return { peer, answerSdp: keepCandidates(sdp, ice.advertise) };
    } catch (error) {
      await pc.close();
      throw error;
    }
  }

  // ---- MediaSink: the room's speakers to the browser ----

  deliver(opus: Buffer, sequence: number, timestamp: number, fromSsrc: number): void {
    if (this.closed || this.pc.connectionState !== 'connected') { this.counters.toBrowserDropped++; return; }
    const mapped = this.slots.map(fromSsrc, sequence, timestamp, performance.now());
    if (mapped === null) { this.counters.toBrowserDropped++; return; }
    const out = this.senders[mapped.slot]!;
    // A fresh packet and payload per browser: the payload is only valid during this call, and werift's
    // sender rewrites the header (SSRC, payload type, extensions) of what it is given.
    const header = new RtpHeader({ payloadType: out.payloadType, sequenceNumber: mapped.sequence, timestamp: mapped.timestamp, ssrc: out.sender.ssrc, marker: false });
    this.counters.toBrowser++;
    out.sender.sendRtp(new RtpPacket(header, Buffer.from(opus))).catch((error: unknown) => {
      this.counters.sendErrors++;
      this.log?.debug({ err: error }, 'webrtc send failed');
    });
  }

  /** A speaker left the room: its receive slot is free again. */
  forget(fromSsrc: number): void {
    this.slots.release(fromSsrc);
  }

  /** This browser moved to another room: nobody from the old one stays on its slots. */
  forgetAll(): void {
    this.slots.releaseAll();
  }

  /** The SSRC (as the browser sees it) of the slot `fromSsrc` is on, or 0 when it has none. */
  slotSsrcOf(fromSsrc: number): number {
    const slot = this.slots.slotOf(fromSsrc);
    return slot === undefined ? 0 : this.senders[slot]!.sender.ssrc;
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  stats(): WebRtcPeerStats {
    return { ...this.counters };
  }

  /** Each receive slot's own SSRC (what the browser sees), in m-line order. */
  slotSsrcs(): number[] {
    return this.senders.map((s) => s.sender.ssrc);
  }

  /** The speaker's SSRC on each receive slot (0: none), in m-line order. */
  slotOwners(): number[] {
    return this.slots.owners();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close();
  }

  private takeMicrophone(mic: RTCRtpTransceiver, inject: InjectMedia): void {
    // werift may have made the remote track already (during setRemoteDescription) or make it later.
    const seen = new Set<MediaStreamTrack>();
    const listen = (track: MediaStreamTrack) => {
      if (seen.has(track)) return;
      seen.add(track);
      track.onReceiveRtp.subscribe((rtp) => {
        if (this.closed) return;
        const h = rtp.header;
        // The browser may also send comfort noise or DTMF on other payload types: only Opus goes on.
        if (h.payloadType !== this.micPayloadType || rtp.payload.length === 0) { this.counters.fromBrowserDropped++; return; }
        if (inject(rtp.payload, h.sequenceNumber, h.timestamp)) this.counters.fromBrowser++;
        else this.counters.fromBrowserDropped++;
      });
    };
    for (const track of mic.receiver.tracks) listen(track);
    mic.onTrack.subscribe(listen);
  }
}

function opusPayloadType(t: RTCRtpTransceiver): number | undefined {
  return t.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus')?.payloadType;
}

/** Resolves when werift has gathered its host candidates (they go into the answer: no trickle). */
async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => { unsubscribe(); resolve(); }, GATHER_TIMEOUT_MS);
    const { unSubscribe: unsubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
