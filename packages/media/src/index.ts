// Audio/video plumbing with no UI and no sockets: Opus, RTP/RTCP, AEAD, jitter buffer, mixer, VAD.
// Dependencies point one way: protocol <- media <- client.

// Codec, PCM and analysis (H2).
export * from './opus/OpusCodec.ts';
export * from './wav.ts';
export * from './energy.ts';
