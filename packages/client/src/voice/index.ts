// The SDK's headless voice client (Node only: UDP through node:dgram). A separate entry point,
// `@concord/client/voice`, so the browser bundle of the main SDK never pulls in node:dgram or Opus.
export * from './VoiceClient.ts';
export * from './joinVoiceChannel.ts';
export * from './LossInjector.ts';
export type { ReceivedFrame, RemoteStreamStats } from './VoiceReceiver.ts';
export type { PlayOptions } from './VoiceSender.ts';
