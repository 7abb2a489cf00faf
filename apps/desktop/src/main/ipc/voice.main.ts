// IPC handlers for `concord.voice.*`: the native voice pipeline's controls. The frame port itself
// arrives on VOICE_PORT_CHANNEL (registerVoicePort.main.ts); these start and stop the pipeline on
// it and pass the live controls. Every argument is parsed here, once.
import { z } from 'zod';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import type { NativeVoiceStats, NativeVoiceTarget } from '../../shared/voiceBridge.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';
import { snowflakeArgSchema } from './ipcArgumentSchemas.main.ts';

/** What VoicePipelineHost does for these handlers (a fake in tests). */
export interface VoicePipelinePort {
  start(target: NativeVoiceTarget, flags: { selfMute: boolean; selfDeaf: boolean }): boolean;
  stop(): void;
  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void;
  setUserAudio(userId: string, volumePercent: number, localMute: boolean): void;
  setPushToTalk(down: boolean): void;
  stats(): NativeVoiceStats | null;
}

/** `host:port` (a name, IPv4 or bracketed IPv6) as VOICE_SERVER_UPDATE gives it. */
const endpointSchema = z.string().max(300).regex(/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/, 'must be host:port');

export const voiceTargetSchema = z
  .object({
    endpoint: endpointSchema,
    token: z.string().min(1).max(512),
    sessionId: z.string().min(1).max(128),
    serverId: snowflakeArgSchema,
    userId: snowflakeArgSchema,
  })
  .strict();
const flagsSchema = z.object({ selfMute: z.boolean(), selfDeaf: z.boolean() }).strict();
const volumeSchema = z.number().int().min(0).max(200);

export function createVoiceIpcHandlers({ policy, voice }: { policy: IpcSenderPolicy; voice: VoicePipelinePort }) {
  return {
    [IpcChannel.voiceStart]: defineIpcHandler(policy, {
      channel: IpcChannel.voiceStart,
      args: z.tuple([voiceTargetSchema, flagsSchema]),
      handle: ([target, flags]): boolean => voice.start(target, flags),
    }),
    [IpcChannel.voiceStop]: defineIpcHandler(policy, {
      channel: IpcChannel.voiceStop,
      args: z.tuple([]),
      handle: (): void => voice.stop(),
    }),
    [IpcChannel.voiceSetSelfFlags]: defineIpcHandler(policy, {
      channel: IpcChannel.voiceSetSelfFlags,
      args: z.tuple([z.boolean(), z.boolean()]),
      handle: ([selfMute, selfDeaf]): void => voice.setSelfFlags(selfMute, selfDeaf),
    }),
    [IpcChannel.voiceSetUserAudio]: defineIpcHandler(policy, {
      channel: IpcChannel.voiceSetUserAudio,
      args: z.tuple([snowflakeArgSchema, volumeSchema, z.boolean()]),
      handle: ([userId, volume, localMute]): void => voice.setUserAudio(userId, volume, localMute),
    }),
    [IpcChannel.voiceSetPushToTalk]: defineIpcHandler(policy, {
      channel: IpcChannel.voiceSetPushToTalk,
      args: z.tuple([z.boolean()]),
      handle: ([down]): void => voice.setPushToTalk(down),
    }),
    [IpcChannel.voiceStats]: defineIpcHandler(policy, {
      channel: IpcChannel.voiceStats,
      args: z.tuple([]),
      handle: (): NativeVoiceStats | null => voice.stats(),
    }),
  } satisfies Record<string, IpcHandler>;
}
