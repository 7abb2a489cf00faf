// The voice node that runs in the server's own process: the TLS voice gateway plus the UDP media
// server, admitting exactly the grants the voice-state domain hands it (VoiceNode). It turns the
// gateway's ops into media state (SSRC, keys, rooms, send/receive flags) and tells each room who
// joined (op 11), left (op 13) and speaks (op 5). Video: a browser's sources (op 12) are checked
// against the grant's STREAM right and announced to the room (op 12), what a browser watches (op 15)
// goes to the media's router, and each of its video receive slots changing hands is op 40 to it.
// Who watches each Go Live stream is op 42 to the room (the streamer included) when it changes.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import {
  DEFAULT_VOICE_VIDEO_LIMITS,
  ERRORS,
  SpeakingFlags,
  VOICE_ENCRYPTION_MODES,
  VoiceCloseCode,
  VoiceOpcode,
  type VoiceEncryptionMode,
  type VoiceIdentifyData,
  type VoiceMediaSinkWantsData,
  type VoiceReadyData,
  type VoiceResumeData,
  type VoiceSelectProtocolData,
  type VoiceSessionDescriptionData,
  type VoiceSpeakingData,
  type VoiceStreamViewersData,
  type VoiceVideoData,
  type VoiceVideoDispatch,
  type VoiceVideoRefusedDispatch,
  type VoiceVideoSinkDispatch,
  type VoiceVideoStream,
} from '@concord/protocol';
import type { UwsGuard } from '../http/UwsGuard.ts';
import { VoiceGateway, type VoiceGatewayHandler, type VoiceGatewayOptions } from './gateway/VoiceGateway.ts';
import { VoiceSession } from './gateway/VoiceSession.ts';
import type { VoiceSocket } from './gateway/VoiceSocket.ts';
import type { VoiceGrant, VoiceGrantPatch, VoiceNode, VoiceNodeEvent } from './VoiceNode.ts';
import type { SlotLayer } from './webrtc/videoTypes.ts';

/** What the node needs of the UDP media server (UdpMediaServer's API; a room is a channel id). */
export interface VoiceMedia {
  readonly port: number;
  readonly publicIp: string;
  add(p: { userId: string; roomId: string; canSend?: boolean; deaf?: boolean }): { ssrc: number; userId: string; roomId: string };
  setSession(ssrc: number, mode: VoiceEncryptionMode, key: Uint8Array, remote?: { address: string; port: number }): void;
  setFlags(ssrc: number, flags: { canSend: boolean; deaf: boolean }): void;
  move(ssrc: number, roomId: string): void;
  remove(ssrc: number): void;
  onSpeakingStart(cb: (p: { ssrc: number; userId: string; roomId: string }) => void): void;
  onActivity(cb: (p: { ssrc: number; userId: string; roomId: string }) => void): void;
  /** Select protocol `webrtc`: the SDP answer to a browser's offer (WebRtcMedia); absent: 4012. */
  answerWebRtc?(ssrc: number, offerSdp: string): Promise<string>;
  /** A browser's receive slot `slotSsrc` now carries (`held`) or no longer carries a speaker (WebRtcMedia). */
  onReceiveSlot?(cb: (c: { viewerSsrc: number; slotSsrc: number; speakerSsrc: number; speakerUserId: string; held: boolean }) => void): void;
  /** The slot SSRC browser `viewerSsrc` hears `speakerSsrc` on (0: none); undefined when not a browser. */
  receiveSlotOf?(viewerSsrc: number, speakerSsrc: number): number | undefined;
  /** Op 12 (WebRtcMedia): the participant's active video sources; returns the SSRCs refused as already taken. Absent: no video. */
  setVideoSources?(ssrc: number, sources: readonly { type: 'video' | 'screen'; ssrc: number }[]): number[];
  /** Op 15 (WebRtcMedia): what the participant watches. */
  setVideoWants?(ssrc: number, wants: Readonly<Record<string, number>>): void;
  /** A browser's video receive slot now carries a stream, or no longer (WebRtcMedia). */
  /** Frame timing of the active video sources as they arrive (WebRtcMedia). */
  videoSourceTimings?(): { streamSsrc: number; type: 'video' | 'screen'; frames: number; averageFrameMs: number; captureGaps: number; arrivalGaps: number }[];
  onVideoSink?(cb: (c: { viewerSsrc: number; mid: string; slotSsrc: number; ownerUserId: string; type: 'video' | 'screen'; streamSsrc: number; active: boolean }) => void): void;
  /** The participants (SSRCs) a stream is forwarded to now (WebRtcMedia). */
  videoViewersOf?(streamSsrc: number): number[];
  /** Which simulcast layer of a stream a viewer is forwarded, and its downlink estimate (WebRtcMedia; tests, stats). */
  videoSlotLayer?(viewerSsrc: number, streamSsrc: number): SlotLayer | undefined;
  /** Caps what a viewer is sent (bits/s; null: no cap): its layers are chosen to fit (WebRtcMedia; tests, operator limits). */
  capVideoBandwidth?(ssrc: number, bps: number | null): void;
  close(): Promise<void>;
}

export interface LocalVoiceNodeOptions extends VoiceGatewayOptions {
  /** Host name clients dial (VOICE_SERVER_UPDATE's endpoint is `<publicHost>:<port>`). */
  publicHost: string;
  id?: string;
}

const key = (serverId: string, userId: string) => `${serverId}:${userId}`;

export class LocalVoiceNode implements VoiceNode, VoiceGatewayHandler {
  readonly id: string;
  private readonly grants = new Map<string, VoiceGrant>();
  /** Grants per server id: an IDENTIFY for a server with none is 4011. */
  private readonly grantsPerServer = new Map<string, number>();
  private readonly sessions = new Map<string, VoiceSession>();
  private readonly bySsrc = new Map<number, VoiceSession>();
  /** The speaking flags each session last announced (0: silent), for joiners. */
  private readonly speakingFlags = new Map<VoiceSession, number>();
  private readonly listeners: ((e: VoiceNodeEvent) => void)[] = [];
  /** Each session's last op 12 (what it asked for). */
  private readonly videoRequests = new Map<VoiceSession, VoiceVideoData>();
  /** The sources the room was last told each session sends (op 12), accepted ones only. */
  private readonly videoAnnounced = new Map<VoiceSession, VoiceVideoStream[]>();
  /** Go Live streams (by SSRC) whose viewers changed since op 42 last went out; flushed once per turn. */
  private readonly viewersChanged = new Set<number>();
  /** The viewer list op 42 last announced per stream, so a change that nets out sends nothing. */
  private readonly viewersAnnounced = new Map<number, string>();
  private readonly gateway: VoiceGateway;

  private constructor(
    /** Public for tests and stats (the video layer state); the node alone drives it. */
    readonly media: VoiceMedia,
    private readonly options: LocalVoiceNodeOptions,
    guard: UwsGuard,
    private readonly log: Logger,
  ) {
    this.id = options.id ?? `local-${crypto.randomBytes(4).toString('hex')}`;
    this.gateway = new VoiceGateway(this, options, guard, log);
    media.onSpeakingStart((p) => {
      const s = this.bySsrc.get(p.ssrc);
      if (s) this.announceSpeaking(s, this.speakingFlags.get(s) || SpeakingFlags.Microphone);
    });
    media.onActivity((p) => {
      const s = this.bySsrc.get(p.ssrc);
      if (s) this.emit({ type: 'activity', serverId: s.serverId, userId: s.userId });
    });
    // op 5 contract for WebRTC sessions: a browser hears the room on its recvonly transceivers, each
    // with its own SSRC (the answer's a=ssrc line for that m-line, and the SSRC of the RTP on it,
    // i.e. RTCRtpReceiver.getSynchronizationSources()). Its op 5 always names the SSRC of the slot
    // the user is on for that browser (0: on none), never the user's UDP SSRC: when a slot is given
    // to a speaker, the browser gets {user_id, ssrc: slot, speaking} before the first packet on it;
    // when the slot is taken back, {user_id, ssrc: slot, speaking: 0}. UDP sessions keep the UDP SSRC.
    media.onReceiveSlot?.((c) => {
      const viewer = this.bySsrc.get(c.viewerSsrc);
      if (viewer === undefined) return;
      const speaker = this.bySsrc.get(c.speakerSsrc);
      const flags = c.held ? (speaker && this.speakingFlags.get(speaker)) || SpeakingFlags.Microphone : 0;
      viewer.dispatch(VoiceOpcode.Speaking, { user_id: c.speakerUserId, ssrc: c.slotSsrc, speaking: flags });
    });
    // op 40: which of the browser's video receive slots (by mid and SSRC) carries whose stream, sent
    // before the first packet of that stream on the slot.
    media.onVideoSink?.((c) => {
      // Before the viewer lookup: a viewer that left (already forgotten) changes the list too.
      if (c.type === 'screen') this.streamViewersChanged(c.streamSsrc);
      const viewer = this.bySsrc.get(c.viewerSsrc);
      if (viewer === undefined) return;
      const sink: VoiceVideoSinkDispatch = { user_id: c.ownerUserId, type: c.type, ssrc: c.streamSsrc, mid: c.mid, slot_ssrc: c.slotSsrc, active: c.active };
      viewer.dispatch(VoiceOpcode.VideoSink, sink);
    });
  }

  /** Starts the TLS voice gateway in front of a started media server. */
  static async start(media: VoiceMedia, options: LocalVoiceNodeOptions, guard: UwsGuard, log: Logger): Promise<LocalVoiceNode> {
    const node = new LocalVoiceNode(media, options, guard, log);
    await node.gateway.start();
    return node;
  }

  get endpoint(): string {
    const h = this.options.publicHost;
    return `${h.includes(':') ? `[${h}]` : h}:${this.gateway.port}`;
  }

  get gatewayPort(): number {
    return this.gateway.port;
  }

  /** How the active video sources' frames arrive (tests, benches); empty without video. */
  videoSourceTimings() {
    return this.media.videoSourceTimings?.() ?? [];
  }

  gatewayStats() {
    return this.gateway.stats();
  }

  load(): number {
    return this.sessions.size;
  }

  onEvent(listener: (event: VoiceNodeEvent) => void): void {
    this.listeners.push(listener);
  }

  grant(grant: VoiceGrant): void {
    const k = key(grant.serverId, grant.userId);
    const old = this.grants.get(k);
    const s = this.sessions.get(k);
    // Another main-gateway session took the user's place: the old client is done (told while the old grant stands).
    if (s && s.sessionId !== grant.sessionId) this.endSession(s, VoiceCloseCode.Disconnected, 'Disconnected.');
    if (!old) this.grantsPerServer.set(grant.serverId, (this.grantsPerServer.get(grant.serverId) ?? 0) + 1);
    this.grants.set(k, { ...grant });
    if (s && s.sessionId === grant.sessionId) this.applyGrant(s, old?.channelId ?? grant.channelId);
  }

  update(serverId: string, userId: string, patch: VoiceGrantPatch): void {
    const k = key(serverId, userId);
    const g = this.grants.get(k);
    if (!g) return;
    const oldChannel = g.channelId;
    Object.assign(g, patch);
    const s = this.sessions.get(k);
    if (s) this.applyGrant(s, oldChannel);
  }

  revoke(serverId: string, userId: string): void {
    const k = key(serverId, userId);
    if (!this.grants.has(k)) return;
    const s = this.sessions.get(k);
    if (s) this.endSession(s, VoiceCloseCode.Disconnected, 'Disconnected.');
    this.grants.delete(k);
    const n = (this.grantsPerServer.get(serverId) ?? 1) - 1;
    if (n > 0) this.grantsPerServer.set(serverId, n);
    else this.grantsPerServer.delete(serverId);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.media.close();
  }

  // ---- VoiceGatewayHandler ----

  identify(d: VoiceIdentifyData, ws: VoiceSocket): VoiceSession | VoiceCloseCode {
    if (!this.grantsPerServer.has(d.server_id)) return VoiceCloseCode.ServerNotFound;
    const k = key(d.server_id, d.user_id);
    const g = this.grants.get(k);
    if (!g || !sameSecret(g.token, d.token) || g.sessionId !== d.session_id) return VoiceCloseCode.AuthenticationFailed;
    const previous = this.sessions.get(k);
    if (previous) this.endSession(previous, VoiceCloseCode.Disconnected, 'Disconnected.');
    const participant = this.media.add({ userId: g.userId, roomId: g.channelId, ...mediaFlags(g) });
    const s = new VoiceSession(g.serverId, g.userId, g.sessionId, g.token, participant.ssrc, ws, this.gateway.sendText);
    this.sessions.set(k, s);
    this.bySsrc.set(s.ssrc, s);
    return s;
  }

  resume(d: VoiceResumeData): VoiceSession | VoiceCloseCode {
    if (!this.grantsPerServer.has(d.server_id)) return VoiceCloseCode.ServerNotFound;
    for (const s of this.sessions.values()) {
      if (s.serverId === d.server_id && s.sessionId === d.session_id) {
        const g = this.grants.get(key(s.serverId, s.userId));
        if (!g || !sameSecret(g.token, d.token)) return VoiceCloseCode.AuthenticationFailed;
        return s;
      }
    }
    return VoiceCloseCode.SessionNoLongerValid;
  }

  attached(s: VoiceSession, how: 'identify' | 'resume'): void {
    if (how === 'resume') return;
    const g = this.grants.get(key(s.serverId, s.userId));
    if (!g) return;
    const ready: VoiceReadyData = { ssrc: s.ssrc, ip: this.media.publicIp, port: this.media.port, modes: [...VOICE_ENCRYPTION_MODES], heartbeat_interval: this.gateway.heartbeatInterval };
    s.dispatch(VoiceOpcode.Ready, ready);
    this.joinRoom(s, g.channelId);
    this.emit({ type: 'connected', serverId: s.serverId, userId: s.userId, sessionId: s.sessionId });
  }

  selectProtocol(s: VoiceSession, d: VoiceSelectProtocolData): VoiceCloseCode | null {
    if (d.protocol === 'webrtc') return this.selectWebRtc(s, d);
    if (typeof d.data === 'string') return VoiceCloseCode.UnknownProtocol;
    const mode = VOICE_ENCRYPTION_MODES.find((m) => m === (d.data as { mode: string }).mode);
    if (!mode) return VoiceCloseCode.UnknownEncryptionMode;
    const secretKey = crypto.randomBytes(32);
    this.media.setSession(s.ssrc, mode, secretKey, { address: d.data.address, port: d.data.port });
    s.media = { status: 'ready', mode, secretKey, address: d.data.address, port: d.data.port };
    const description: VoiceSessionDescriptionData = { mode, secret_key: [...secretKey], dave_protocol_version: 0, audio_codec: 'opus', media_session_id: crypto.randomBytes(16).toString('hex') };
    s.dispatch(VoiceOpcode.SessionDescription, description);
    return null;
  }

  speaking(s: VoiceSession, d: VoiceSpeakingData): void {
    const g = this.grants.get(key(s.serverId, s.userId));
    if (!g) return;
    // Priority speaker only with PRIORITY_SPEAKER; nobody speaks without the right to send.
    let flags = g.prioritySpeaker ? d.speaking : d.speaking & ~SpeakingFlags.Priority;
    if (!mediaFlags(g).canSend) flags = 0;
    const before = this.speakingFlags.get(s) ?? 0;
    this.speakingFlags.set(s, flags);
    if (flags !== before) this.announceSpeaking(s, flags);
  }

  video(s: VoiceSession, d: VoiceVideoData): void {
    this.videoRequests.set(s, d);
    this.applyVideo(s, true);
  }

  mediaSinkWants(s: VoiceSession, d: VoiceMediaSinkWantsData): void {
    this.media.setVideoWants?.(s.ssrc, d);
  }

  ended(s: VoiceSession): void {
    this.forgetSession(s);
    this.emit({ type: 'disconnected', serverId: s.serverId, userId: s.userId, sessionId: s.sessionId });
  }

  // ---- internals ----

  /**
   * A browser: the offer comes in `sdp` (or as `data`, as Discord's web client also sends it); the
   * answer goes back in op 4's `sdp` once ICE gathering is done. SRTP keys come from DTLS, so op 4
   * carries no secret key. An offer that cannot be answered ends the session with 4020.
   */
  private selectWebRtc(s: VoiceSession, d: VoiceSelectProtocolData): VoiceCloseCode | null {
    if (this.media.answerWebRtc === undefined) return VoiceCloseCode.UnknownProtocol;
    const offer = d.sdp ?? (typeof d.data === 'string' ? d.data : undefined);
    if (offer === undefined || offer.length === 0) return VoiceCloseCode.BadRequest;
    this.media.answerWebRtc(s.ssrc, offer).then(
      (sdp) => {
        if (this.bySsrc.get(s.ssrc) !== s) return;
        s.media = { status: 'webrtc' };
        const description: VoiceSessionDescriptionData = { mode: VOICE_ENCRYPTION_MODES[0], secret_key: [], dave_protocol_version: 0, audio_codec: 'opus', video_codec: 'VP8', sdp, media_session_id: crypto.randomBytes(16).toString('hex'), video_limits: DEFAULT_VOICE_VIDEO_LIMITS };
        s.dispatch(VoiceOpcode.SessionDescription, description);
      },
      (err: unknown) => {
        if (this.bySsrc.get(s.ssrc) !== s) return;
        this.log.warn({ err, userId: s.userId }, 'WebRTC offer refused');
        this.endSession(s, VoiceCloseCode.BadRequest, 'Invalid WebRTC offer.');
      },
    );
    return null;
  }

  private applyGrant(s: VoiceSession, oldChannelId: string): void {
    const g = this.grants.get(key(s.serverId, s.userId));
    if (!g) return;
    this.media.setFlags(s.ssrc, mediaFlags(g));
    if (!mediaFlags(g).canSend && (this.speakingFlags.get(s) ?? 0) !== 0) {
      this.speakingFlags.set(s, 0);
      this.announceSpeaking(s, 0);
    }
    if (g.channelId !== oldChannelId) {
      this.announceVideo(s, [], oldChannelId);
      this.media.move(s.ssrc, g.channelId);
      this.leaveRoom(s, oldChannelId);
      this.joinRoom(s, g.channelId);
    }
    // The STREAM right may have changed (a role, an overwrite, the AFK channel): sources follow it.
    if (this.videoRequests.has(s)) this.applyVideo(s, false);
  }

  /**
   * Gives the media the session's active sources that its grant allows (STREAM; and a WebRTC
   * connection: UDP clients carry no video here) and tells the room what changed (op 12). A source
   * refused is op 41 to the sender: at once for a new op 12, else only when it was being forwarded.
   */
  private applyVideo(s: VoiceSession, fromClient: boolean): void {
    const g = this.grants.get(key(s.serverId, s.userId));
    const requested = (this.videoRequests.get(s)?.streams ?? []).filter((x) => x.active);
    const before = this.videoAnnounced.get(s) ?? [];
    const refuse = (x: VoiceVideoStream, why: VoiceVideoRefusedDispatch['code'], message: string) => {
      if (fromClient || before.some((b) => b.ssrc === x.ssrc)) s.dispatch(VoiceOpcode.VideoRefused, { type: x.type, ssrc: x.ssrc, code: why, message } satisfies VoiceVideoRefusedDispatch);
    };
    const allowed: VoiceVideoStream[] = [];
    for (const x of requested) {
      if (g === undefined || this.media.setVideoSources === undefined || s.media.status === 'ready') refuse(x, ERRORS.InvalidFormBody.code, 'Video needs a WebRTC connection.');
      else if (!g.canStream) refuse(x, ERRORS.MissingPermissions.code, ERRORS.MissingPermissions.message);
      else if (allowed.some((a) => a.type === x.type || a.ssrc === x.ssrc)) refuse(x, ERRORS.InvalidFormBody.code, 'One source per type, each with its own SSRC.');
      else allowed.push(x);
    }
    const taken = new Set(this.media.setVideoSources?.(s.ssrc, allowed.map((x) => ({ type: x.type, ssrc: x.ssrc }))) ?? []);
    const accepted = allowed.filter((x) => {
      if (!taken.has(x.ssrc)) return true;
      refuse(x, ERRORS.InvalidFormBody.code, 'That SSRC is in use.');
      return false;
    });
    const key_ = (l: VoiceVideoStream[]) => JSON.stringify(l.map((x) => [x.type, x.ssrc, x.max_resolution, x.max_framerate]));
    if (key_(accepted) === key_(before)) return;
    if (accepted.length > 0) this.videoAnnounced.set(s, accepted);
    else this.videoAnnounced.delete(s);
    const channelId = g?.channelId;
    if (channelId !== undefined) this.announceVideo(s, accepted, channelId, before);
  }

  /** Op 12 to the room: `s`'s active sources; those in `before` not active any more go out with active false. */
  private announceVideo(s: VoiceSession, active: VoiceVideoStream[], channelId: string, before: VoiceVideoStream[] = this.videoAnnounced.get(s) ?? []): void {
    if (active.length === 0 && before.length === 0) return;
    const d = this.videoDispatch(s, active, before);
    for (const o of this.roomMembers(channelId, s)) o.dispatch(VoiceOpcode.Video, d);
  }

  private videoDispatch(s: VoiceSession, active: VoiceVideoStream[], before: VoiceVideoStream[] = []): VoiceVideoDispatch {
    const streams: VoiceVideoDispatch['streams'] = active.map((x) => ({ type: x.type, ssrc: x.ssrc, active: true, ...(x.max_resolution ? { max_resolution: x.max_resolution } : {}), ...(x.max_framerate === undefined ? {} : { max_framerate: x.max_framerate }) }));
    for (const b of before) if (!active.some((a) => a.ssrc === b.ssrc)) streams.push({ type: b.type, ssrc: b.ssrc, active: false });
    return { user_id: s.userId, audio_ssrc: s.ssrc, video_ssrc: active.find((x) => x.type === 'video')?.ssrc ?? 0, streams };
  }

  /** Who is here (op 11 to the joiner), the joiner to the others, and who is speaking now (op 5). */
  private joinRoom(s: VoiceSession, channelId: string): void {
    const others = this.roomMembers(channelId, s);
    if (others.length > 0) s.dispatch(VoiceOpcode.ClientsConnect, { user_ids: others.map((o) => o.userId) });
    for (const o of others) {
      o.dispatch(VoiceOpcode.ClientsConnect, { user_ids: [s.userId] });
      const flags = this.speakingFlags.get(o) ?? 0;
      if (flags !== 0) s.dispatch(VoiceOpcode.Speaking, { user_id: o.userId, ssrc: this.ssrcSeenBy(s, o), speaking: flags });
      const video = this.videoAnnounced.get(o);
      if (video) s.dispatch(VoiceOpcode.Video, this.videoDispatch(o, video));
      for (const x of video ?? []) {
        if (x.type !== 'screen') continue;
        const viewers = this.streamViewers(o, x.ssrc);
        if (viewers.viewer_ids.length > 0) s.dispatch(VoiceOpcode.StreamViewers, viewers);
      }
    }
    const own = this.videoAnnounced.get(s);
    if (own) for (const o of others) o.dispatch(VoiceOpcode.Video, this.videoDispatch(s, own));
  }

  /**
   * A slot took or dropped a Go Live stream. Coalesced to one op 42 per stream per turn: a stream
   * ending releases every viewer's slot one by one, and by the flush its op 12 has been decided.
   */
  private streamViewersChanged(streamSsrc: number): void {
    if (this.viewersChanged.size === 0) queueMicrotask(() => this.announceStreamViewers());
    this.viewersChanged.add(streamSsrc);
  }

  private announceStreamViewers(): void {
    const changed = [...this.viewersChanged];
    this.viewersChanged.clear();
    for (const streamSsrc of changed) {
      let owner: VoiceSession | undefined;
      for (const [s, streams] of this.videoAnnounced) if (streams.some((x) => x.type === 'screen' && x.ssrc === streamSsrc)) owner = s;
      const channelId = owner && this.grants.get(key(owner.serverId, owner.userId))?.channelId;
      // Ended: its op 12 (inactive) already told the room, and the list goes with it.
      if (owner === undefined || channelId === undefined) {
        this.viewersAnnounced.delete(streamSsrc);
        continue;
      }
      const d = this.streamViewers(owner, streamSsrc);
      const listed = d.viewer_ids.join(',');
      if (this.viewersAnnounced.get(streamSsrc) === listed) continue;
      this.viewersAnnounced.set(streamSsrc, listed);
      owner.dispatch(VoiceOpcode.StreamViewers, d);
      for (const o of this.roomMembers(channelId, owner)) o.dispatch(VoiceOpcode.StreamViewers, d);
    }
  }

  /** Op 42 for one stream: the users its viewers' sessions belong to, in a stable order. */
  private streamViewers(owner: VoiceSession, streamSsrc: number): VoiceStreamViewersData {
    const ids = new Set<string>();
    for (const v of this.media.videoViewersOf?.(streamSsrc) ?? []) {
      const viewer = this.bySsrc.get(v);
      if (viewer) ids.add(viewer.userId);
    }
    return { user_id: owner.userId, ssrc: streamSsrc, viewer_ids: [...ids].sort() };
  }

  private leaveRoom(s: VoiceSession, channelId: string): void {
    for (const o of this.roomMembers(channelId, s)) o.dispatch(VoiceOpcode.ClientDisconnect, { user_id: s.userId });
  }

  private announceSpeaking(s: VoiceSession, flags: number): void {
    const channelId = this.grants.get(key(s.serverId, s.userId))?.channelId;
    if (channelId === undefined) return;
    for (const o of this.roomMembers(channelId, s)) o.dispatch(VoiceOpcode.Speaking, { user_id: s.userId, ssrc: this.ssrcSeenBy(o, s), speaking: flags });
  }

  /** The SSRC under which `viewer` receives `speaker`: its UDP SSRC, or for a browser its receive slot's. */
  private ssrcSeenBy(viewer: VoiceSession, speaker: VoiceSession): number {
    return this.media.receiveSlotOf?.(viewer.ssrc, speaker.ssrc) ?? speaker.ssrc;
  }

  /** Sessions (live or awaiting resume) in a channel, except `except`. */
  private roomMembers(channelId: string, except: VoiceSession): VoiceSession[] {
    const out: VoiceSession[] = [];
    for (const [k, o] of this.sessions) if (o !== except && this.grants.get(k)?.channelId === channelId) out.push(o);
    return out;
  }

  private endSession(s: VoiceSession, code: number, reason: string): void {
    this.gateway.endSession(s, code, reason);
    this.forgetSession(s);
  }

  private forgetSession(s: VoiceSession): void {
    const k = key(s.serverId, s.userId);
    if (this.sessions.get(k) !== s) return;
    const channelId = this.grants.get(k)?.channelId;
    this.sessions.delete(k);
    this.bySsrc.delete(s.ssrc);
    this.speakingFlags.delete(s);
    // A stream ends when its owner leaves: the room hears so (op 12, inactive) before op 13.
    if (channelId !== undefined) this.announceVideo(s, [], channelId);
    this.videoRequests.delete(s);
    this.videoAnnounced.delete(s);
    this.media.remove(s.ssrc);
    if (channelId !== undefined) this.leaveRoom(s, channelId);
  }

  private emit(e: VoiceNodeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err, event: e.type }, 'voice node event listener failed');
      }
    }
  }
}

function mediaFlags(g: VoiceGrant): { canSend: boolean; deaf: boolean } {
  return { canSend: g.canSpeak && !g.mute && !g.selfMute, deaf: g.deaf || g.selfDeaf };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
