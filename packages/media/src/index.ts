// Audio/video plumbing with no UI (Opus, RTP/RTCP, AEAD, jitter buffer, mixer) lands here with the
// voice work. Nothing is implemented yet; the package exists so the dependency order
// protocol <- media <- client is in place.
export {};
