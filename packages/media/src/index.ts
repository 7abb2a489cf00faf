// Audio/video plumbing with no UI and no sockets: Opus, RTP/RTCP, AEAD, jitter buffer, mixer, VAD.
// Dependencies point one way: protocol <- media <- client.

// Codec, PCM and analysis (H2).
export * from './opus/OpusCodec.ts';
export * from './wav.ts';
export * from './energy.ts';
export * from './JitterBuffer.ts';
export * from './StreamDecoder.ts';
export type * from './StreamStats.ts';
export * from './Mixer.ts';
export * from './Vad.ts';

// RTP/RTCP, IP discovery and the AEAD voice modes (H4a).
export * from './rtp.ts';
export * from './rtcp.ts';
export * from './ipDiscovery.ts';
export * from './crypto/VoiceCipher.ts';
export * from './crypto/ReplayWindow.ts';
export { hchacha20 } from './crypto/hchacha20.ts';
