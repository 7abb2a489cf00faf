// The server as a library: tests and benchmarks start it in-process.
export { startServer, uwsImplementation, type RunningServer, type StartOptions } from './Server.ts';
export { loadConfig, type Config } from './config.ts';
export { UdpMediaServer, type UdpMediaOptions, type UdpMediaStats } from './voice/udp/UdpMediaServer.ts';
