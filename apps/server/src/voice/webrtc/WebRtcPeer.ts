// One browser in the SFU: a werift RTCPeerConnection that answers the browser's offer (from select
// protocol) with host candidates only, takes the browser's microphone (SRTP, decrypted by werift)
// into the UDP SFU under the participant's own SSRC, and plays the room's speakers to the browser on
// its pool of receive transceivers (ReceiveSlots). It is the room's MediaSink for this participant.
// Each slot sends under its transceiver's own SSRC (werift's sender.ssrc, declared as a=ssrc in the
// answer's m-line); who is on it is reported through onSlotChange, before that speaker's first packet.
// Video (VideoRouter decides who gets what): the video m-lines the browser sends on carry its camera
// and screen (told apart by SSRC through op 12), handed to `onVideo` as werift parsed them; the
// recvonly video m-lines are its video receive slots, each sending under its own SSRC. NACKs from
// the browser are answered from werift's send history (128 packets per slot); its PLIs go to onSlotPli.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, useFIR, useH264, useNACK, usePLI, useREMB, useSdesMid, useSdesRTPStreamId, useTransportWideCC, useTWCC, useVP8, useAbsSendTime, RTP_EXTENSION_URI, type MediaStreamTrack, type RTCRtpReceiver, type RTCRtpTransceiver, type RTCRtpSender } from 'werift';
import type { MediaSink } from '../udp/UdpMediaServer.ts';
import { videoCodecOf, type VideoCodec } from './keyFrames.ts';
import { ReceiveSlots } from './ReceiveSlots.ts';
import type { IncomingVideoPacket, OutgoingVideoPacket, VideoSenderLink, VideoViewerLink } from './VideoRouter.ts';
import { BandwidthEstimate, watchViewerRtcp } from './viewerFeedback.ts';
import { fixTwccFeedback } from './weriftTwccFix.ts';
import { withStartBitrate } from './answerSdp.ts';
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
  /** Video packets from the browser (any of its sources) and those not handed on (unknown payload type). */
  videoFromBrowser: number;
  videoFromBrowserDropped: number;
  /** Video packets written to the browser's slots, and those not (connection down, codec not negotiated). */
  videoToBrowser: number;
  videoToBrowserDropped: number;
}

/** What the peer does with video (WebRtcMedia routes both through its VideoRouter). */
export interface VideoHandlers {
  /** A packet from one of the browser's video sources (werift's parse; valid to keep, never written). */
  onVideo(codec: VideoCodec, packet: IncomingVideoPacket): void;
  /** The browser reported picture loss (PLI or FIR) on video receive slot `slot`. */
  onSlotPli(slot: number): void;
  /** What the browser's path takes (bits/s; null: not limited), from its REMB, or its loss and transport-cc feedback (viewerFeedback.ts). */
  onEstimate?(bps: number | null): void;
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
/** Video m-lines the browser sends on that are used (its camera and its screen); more are answered inactive. */
export const MAX_VIDEO_SOURCES = 2;
/** Video receive m-lines used at most: how many streams one browser can watch at once. */
export const MAX_VIDEO_SLOTS = 8;
// NACK and PLI answered; transport-cc for the browsers' send-side estimate (werift sends its feedback);
// REMB from viewers (their slots go without the transport-cc extension, so Chromium estimates on
// its side: viewerFeedback.ts). FIR is read off the transport (werift
// routes a FIR by an SSRC it does not carry: viewerFeedback.ts). No RTX. Simulcast layers come
// tagged with their rid (sdes:rtp-stream-id) until werift's receiver reports reach the browser.
const VIDEO_FEEDBACK = () => [useNACK(), usePLI(), useFIR(), useREMB(), useTWCC()];
const VP8 = () => useVP8({ payloadType: 96, rtcpFeedback: VIDEO_FEEDBACK() });
const H264 = () => useH264({ payloadType: 102, rtcpFeedback: VIDEO_FEEDBACK() });
/** How long ICE gathering may take before the answer goes out with what it has. */
const GATHER_TIMEOUT_MS = 3_000;

interface VideoSlot {
  readonly transceiver: RTCRtpTransceiver;
  readonly mid: string;
  /** The negotiated codec parameters per forwarded codec (absent: the browser cannot receive it here). */
  codecs: Partial<Record<VideoCodec, RTCRtpCodecParameters>>;
  /** The abs-send-time extension's id on this m-line (0: not negotiated). */
  absSendTimeId: number;
}

/**
 * abs-send-time (24 bits, 6.18 fixed-point seconds, wrapping every 64 s) for now. werift writes its
 * own from an NTP time whose fraction is the decimal digits of the seconds read as an integer (not a
 * binary fraction), which gives Chromium's receive-side estimator send times that are noise; a value
 * set on the packet replaces werift's.
 */
export function absSendTime(nowMs: number): Buffer {
  const buf = Buffer.alloc(3);
  buf.writeUIntBE(Math.round(nowMs * 262.144) & 0xffffff, 0, 3);
  return buf;
}

export class WebRtcPeer implements MediaSink, VideoViewerLink, VideoSenderLink {
  private readonly slots: ReceiveSlots;
  private readonly senders: { sender: RTCRtpSender; payloadType: number }[];
  private readonly counters: WebRtcPeerStats = { fromBrowser: 0, fromBrowserDropped: 0, toBrowser: 0, toBrowserDropped: 0, sendErrors: 0, videoFromBrowser: 0, videoFromBrowserDropped: 0, videoToBrowser: 0, videoToBrowserDropped: 0 };
  private readonly videoSlotList: VideoSlot[] = [];
  /** The receiver each of the browser's video SSRCs arrives on (where a PLI for it goes). */
  private readonly videoReceivers = new Map<number, RTCRtpReceiver>();
  /** The browser's video payload types -> forwarded codec, per source transceiver. */
  private readonly videoPayloadTypes = new Map<RTCRtpTransceiver, Map<number, VideoCodec>>();
  readonly videoSlots: { mid: string; ssrc: number }[] = [];
  private closed = false;
  /** The Opus payload type the browser sends with (its offer's number). */
  private micPayloadType = 111;
  /** The browser's bandwidth as a viewer (its REMB and receiver-report loss against what it was sent). */
  readonly estimate = new BandwidthEstimate();

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
  static async answer(ssrc: number, offerSdp: string, ice: WebRtcIceOptions, inject: InjectMedia, onSlotChange: SlotChangeListener, log?: Logger, video?: VideoHandlers): Promise<{ peer: WebRtcPeer; answerSdp: string }> {
    const pc = new RTCPeerConnection({
      codecs: { audio: [OPUS()], video: [VP8(), H264()] },
      headerExtensions: { audio: [useSdesMid()], video: [useSdesMid(), useSdesRTPStreamId(), useTransportWideCC(), useAbsSendTime()] },
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
      const videoSources: RTCRtpTransceiver[] = [];
      const videoSlots: RTCRtpTransceiver[] = [];
      for (const t of pc.getTransceivers().filter((x) => x.kind === 'video')) {
        // Without video handlers (no router) every video m-line is answered inactive.
        const browserSends = video !== undefined && (t.offerDirection === 'recvonly' || t.offerDirection === 'sendrecv') && videoSources.length < MAX_VIDEO_SOURCES;
        const browserReceives = video !== undefined && (t.offerDirection === 'sendonly' || t.offerDirection === 'sendrecv') && videoSlots.length < MAX_VIDEO_SLOTS;
        if (browserSends) videoSources.push(t);
        if (browserReceives) videoSlots.push(t);
        // A slot the browser only receives on goes without transport-cc (abs-send-time instead): its
        // browser then estimates what reaches it and says so in REMB (viewerFeedback.ts).
        if (browserReceives && !browserSends) t.headerExtensions = t.headerExtensions.filter((e) => e.uri !== RTP_EXTENSION_URI.transportWideCC);
        t.setDirection(browserSends && browserReceives ? 'sendrecv' : browserSends ? 'recvonly' : browserReceives ? 'sendonly' : 'inactive');
      }
      const peer = new WebRtcPeer(ssrc, pc, receive, log, onSlotChange);
      if (mic) peer.takeMicrophone(mic, inject);
      if (video) for (const t of videoSources) peer.takeVideoSource(t, video);
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined) throw new Error('werift produced no local description');
      // Payload types are known once the answer is set (the browser's numbers win).
      peer.senders.forEach((s, i) => { s.payloadType = opusPayloadType(receive[i]!) ?? s.payloadType; });
      if (mic) peer.micPayloadType = opusPayloadType(mic) ?? peer.micPayloadType;
      for (const t of videoSources) peer.videoPayloadTypes.set(t, new Map(t.codecs.flatMap((c) => { const codec = videoCodecOf(c.mimeType); return codec ? [[c.payloadType, codec] as const] : []; })));
      if (video) peer.openVideoSlots(videoSlots, video);
      return { peer, answerSdp: withStartBitrate(keepCandidates(sdp, ice.advertise)) };
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

  // ---- VideoViewerLink / VideoSenderLink ----

  sendVideo(slot: number, codec: VideoCodec, p: OutgoingVideoPacket): boolean {
    const out = this.videoSlotList[slot];
    const params = out?.codecs[codec];
    if (out === undefined || params === undefined || this.closed || this.pc.connectionState !== 'connected') {
      this.counters.videoToBrowserDropped++;
      return false;
    }
    const sender = out.transceiver.sender;
    // werift sends with sender.codec's payload type: switch it when the source's codec changes.
    if (sender.codec !== params) sender.codec = params;
    // A fresh header per browser (werift's sender rewrites it); the payload is shared and never written.
    const header = new RtpHeader({ payloadType: params.payloadType, sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, ssrc: sender.ssrc, marker: p.marker, padding: p.padding, paddingSize: p.paddingSize });
    const now = performance.now();
    if (out.absSendTimeId > 0) header.extensions = [{ id: out.absSendTimeId, payload: absSendTime(now) }];
    this.counters.videoToBrowser++;
    this.estimate.sent(header.serializeSize + p.payload.length, now);
    sender.sendRtp(new RtpPacket(header, p.payload)).catch((error: unknown) => {
      this.counters.sendErrors++;
      this.log?.debug({ err: error }, 'webrtc video send failed');
    });
    return true;
  }

  /** What this browser's downlink takes now (bits/s; null: nothing says it is limited): viewerFeedback.ts. */
  estimateBps(nowMs: number): number | null {
    return this.estimate.current(nowMs);
  }

  downlink(nowMs: number): { rembBps: number; sentBps: number } {
    return { rembBps: this.estimate.stats.lastRembBps, sentBps: this.estimate.sentBps(nowMs) };
  }

  requestKeyFrame(streamSsrc: number): void {
    const receiver = this.videoReceivers.get(streamSsrc);
    if (receiver === undefined || this.closed) return;
    receiver.sendRtcpPLI(streamSsrc).catch((error: unknown) => {
      this.counters.sendErrors++;
      this.log?.debug({ err: error }, 'webrtc PLI failed');
    });
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

  private takeVideoSource(t: RTCRtpTransceiver, video: VideoHandlers): void {
    // The m-line names the source its layers belong to (mids are set once the offer is taken).
    const group = t.mid ?? `m${String(this.videoPayloadTypes.size)}`;
    onRemoteRtp(t, (rtp, track) => {
      if (this.closed) return;
      const h = rtp.header;
      const codec = this.videoPayloadTypes.get(t)?.get(h.payloadType);
      if (codec === undefined) { this.counters.videoFromBrowserDropped++; return; }
      if (!this.videoReceivers.has(h.ssrc)) {
        this.videoReceivers.set(h.ssrc, t.receiver);
        // werift made its transport-cc feedback for this receiver with the packet (the class is patched once).
        fixTwccFeedback((t.receiver as unknown as { receiverTWCC?: unknown }).receiverTWCC);
      }
      this.counters.videoFromBrowser++;
      video.onVideo(codec, { ssrc: h.ssrc, sequenceNumber: h.sequenceNumber, timestamp: h.timestamp, marker: h.marker, padding: h.padding, paddingSize: h.paddingSize, payload: rtp.payload, group, ...(track.rid ? { rid: track.rid } : {}) });
    });
  }

  private openVideoSlots(slots: RTCRtpTransceiver[], video: VideoHandlers): void {
    slots.forEach((t, index) => {
      const codecs: Partial<Record<VideoCodec, RTCRtpCodecParameters>> = {};
      for (const c of t.codecs) {
        const codec = videoCodecOf(c.mimeType);
        if (codec !== null && codecs[codec] === undefined) codecs[codec] = c;
      }
      const absSendTimeId = t.headerExtensions.find((e) => e.uri === RTP_EXTENSION_URI.absSendTime)?.id ?? 0;
      this.videoSlotList.push({ transceiver: t, mid: t.mid ?? String(index), codecs, absSendTimeId });
      this.videoSlots.push({ mid: t.mid ?? String(index), ssrc: t.sender.ssrc });
      t.sender.onPictureLossIndication.subscribe(() => { if (!this.closed) video.onSlotPli(index); });
    });
    const transport = slots[0]?.sender.dtlsTransport;
    if (transport === undefined) return;
    watchViewerRtcp(transport, {
      slotOf: (ssrc) => this.videoSlots.findIndex((s) => s.ssrc === ssrc),
      fir: (slot) => { if (!this.closed) video.onSlotPli(slot); },
      remb: (bps) => { if (!this.closed) this.estimate.remb(bps, performance.now()); },
      loss: (slot, fraction) => { if (!this.closed) this.estimate.slotLoss(slot, fraction, performance.now()); },
    });
    this.estimate.onChange((bps) => { if (!this.closed) video.onEstimate?.(bps); });
  }

  private takeMicrophone(mic: RTCRtpTransceiver, inject: InjectMedia): void {
    onRemoteRtp(mic, (rtp) => {
      if (this.closed) return;
      const h = rtp.header;
      // The browser may also send comfort noise or DTMF on other payload types: only Opus goes on.
      if (h.payloadType !== this.micPayloadType || rtp.payload.length === 0) { this.counters.fromBrowserDropped++; return; }
      if (inject(rtp.payload, h.sequenceNumber, h.timestamp)) this.counters.fromBrowser++;
      else this.counters.fromBrowserDropped++;
    });
  }
}

/** Every packet of each remote track of `t`, whether werift made the track already (during setRemoteDescription) or makes it later. */
function onRemoteRtp(t: RTCRtpTransceiver, onRtp: (rtp: RtpPacket, track: MediaStreamTrack) => void): void {
  const seen = new Set<MediaStreamTrack>();
  const listen = (track: MediaStreamTrack) => {
    if (seen.has(track)) return;
    seen.add(track);
    track.onReceiveRtp.subscribe((rtp) => { onRtp(rtp, track); });
  };
  for (const track of t.receiver.tracks) listen(track);
  t.onTrack.subscribe(listen);
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
