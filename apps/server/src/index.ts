// The server as a library: tests and benchmarks start it in-process.
export { startServer, uwsImplementation, type RunningServer, type StartOptions } from './Server.ts';
export { loadConfig, type Config } from './config.ts';
export { UdpMediaServer, type UdpMediaOptions, type UdpMediaStats } from './voice/udp/UdpMediaServer.ts';
export { WebRtcMedia, type WebRtcMediaStats } from './voice/webrtc/WebRtcMedia.ts';
export { iceOptionsFor } from './voice/webrtc/iceOptions.ts';
export { dropClusterData } from './bus/dropClusterData.ts';
