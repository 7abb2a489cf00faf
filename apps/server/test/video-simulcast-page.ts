// Test fixture for video-simulcast-chromium.test.ts: a page that joins voice through the TLS voice
// gateway with RTCPeerConnection directly, like fixtures/video-sfu-page.html, but sends its camera
// (1280x720 fake device) as simulcast: three encodings with their own rids, high first so that a
// server refusing simulcast still gets the full picture (the answer then keeps the first encoding).
// The offer names no SSRC for a simulcast m-line, so op 12 names the one getStats reports for one
// of its layers once that layer has sent. It records ops 12/40 and samples inbound video for freezes;
// with `relay` its media goes through a UDP hop the test makes (window.relayFor, exposed by the test).
// The gateway handshake, offer gathering and relay hop come from voice-page-lib.js (videoPages.ts).
import { videoPage } from './videoPages.ts';

export const SIMULCAST_PAGE = videoPage('video simulcast fixture', String.raw`
window.voice = { state: 'idle', closeCode: null, ready: null, answered: false, error: null, sinks: {}, videos: {}, sources: [], simulcastAnswered: false };
const CAMERA_LAYERS = [
  { rid: 'f', maxBitrate: 1500000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500000 },
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000 },
];

window.startVoice = async (o) => {
  const v = window.voice;
  try {
    const pc = new RTCPeerConnection();
    v.pc = pc;
    pc.addTransceiver('audio', { direction: 'recvonly' });
    let camera = null;
    if (o.camera) {
      const cam = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 } });
      camera = pc.addTransceiver(cam.getVideoTracks()[0], { direction: 'sendonly', streams: [cam], sendEncodings: o.simulcast === false ? [{}] : CAMERA_LAYERS });
    }
    for (let i = 0; i < (o.videoSlots ?? 0); i++) pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = showVideoTrack;
    const offer = await gatheredOffer(pc);
    dialVoice(o, offer, async (frame) => {
      switch (frame.op) {
        case 4:
          v.simulcastAnswered = /a=simulcast:recv/.test(frame.d.sdp);
          // With o.relay the test's UDP hop (a bottleneck) is the only candidate.
          await pc.setRemoteDescription({ type: 'answer', sdp: o.relay ? await relayedAnswer(frame.d.sdp) : frame.d.sdp });
          v.answered = true;
          if (camera) announceWhenSending(camera).catch((err) => { v.error = String(err); });
          break;
        case 12:
          v.videos[frame.d.user_id] = frame.d;
          break;
        case 40:
          if (frame.d.active) v.sinks[frame.d.mid] = frame.d;
          else if (v.sinks[frame.d.mid]?.ssrc === frame.d.ssrc) delete v.sinks[frame.d.mid];
          break;
      }
    });
  } catch (err) {
    v.error = String(err);
  }
};

/** Op 12 with the SSRC of one of the camera's layers, once getStats has one. */
async function announceWhenSending(tx) {
  const v = window.voice;
  for (let i = 0; i < 100; i++) {
    const report = await v.pc.getStats();
    let ssrc = 0;
    // A layer that has sent: getStats also lists layers the encoder has not started yet.
    report.forEach((s) => { if (s.type === 'outbound-rtp' && s.kind === 'video' && s.mid === tx.mid && ssrc === 0 && s.packetsSent > 0) ssrc = s.ssrc; });
    if (ssrc > 0) {
      v.sources = [{ type: 'video', ssrc, active: true }];
      v.send(12, { audio_ssrc: v.ready.ssrc, video_ssrc: ssrc, streams: v.sources });
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the camera never reported an outbound SSRC');
}

window.videoStats = async () => {
  const out = { connectionState: window.voice.pc?.connectionState ?? 'none', slots: {}, outbound: [], availableOutgoingBitrate: 0 };
  if (!window.voice.pc) return out;
  const report = await window.voice.pc.getStats();
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') out.slots[s.mid] = { ssrc: s.ssrc, packetsReceived: s.packetsReceived ?? 0, framesDecoded: s.framesDecoded ?? 0, keyFramesDecoded: s.keyFramesDecoded ?? 0, freezeCount: s.freezeCount ?? 0, totalFreezesDuration: s.totalFreezesDuration ?? 0, pliCount: s.pliCount ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0 };
    if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) out.availableOutgoingBitrate = s.availableOutgoingBitrate;
    if (s.type === 'outbound-rtp' && s.kind === 'video') out.outbound.push({ rid: s.rid ?? '', ssrc: s.ssrc, packetsSent: s.packetsSent ?? 0, framesEncoded: s.framesEncoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0, qualityLimitationReason: s.qualityLimitationReason ?? '' });
  });
  return out;
};

/**
 * Samples the one video slot every 50 ms for ms: the longest stretch without a new decoded frame,
 * frames decoded, and each height seen (in order).
 */
window.sampleFrames = async (ms) => {
  const t0 = performance.now();
  let lastFrames = -1;
  let lastNewAt = t0;
  let longestGapMs = 0;
  let first = -1;
  const heights = [];
  while (performance.now() - t0 < ms) {
    const slot = Object.values((await window.videoStats()).slots)[0];
    const now = performance.now();
    if (slot) {
      if (first < 0) first = slot.framesDecoded;
      if (slot.framesDecoded > lastFrames) {
        if (lastFrames >= 0) longestGapMs = Math.max(longestGapMs, now - lastNewAt);
        lastFrames = slot.framesDecoded;
        lastNewAt = now;
      }
      if (slot.frameHeight > 0 && heights.at(-1) !== slot.frameHeight) heights.push(slot.frameHeight);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  longestGapMs = Math.max(longestGapMs, performance.now() - lastNewAt);
  return { longestGapMs: Math.round(longestGapMs), framesDecoded: lastFrames - first, heights };
};
`);
