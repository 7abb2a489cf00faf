// The typed SDK over the protocol: REST and gateway clients used by the apps, tests and benchmarks.
export * from './TypedEmitter.ts';
export * from './RestClient.ts';
export * from './GatewayClient.ts';
export * from './Api.ts';
// The headless voice client is Node-only (UDP): import it from '@concord/client/voice'.
