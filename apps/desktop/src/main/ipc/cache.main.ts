// IPC handlers for `concord.cache.*`: the renderer's only way into the local message cache.
import { z } from 'zod';
import type { APIMessage } from '@concord/protocol';
import type { CacheStats } from '../../shared/bridge.ts';
import { cacheMaxBytesSchema } from '../../shared/clientSettingsSchema.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import type { MessageCache } from '../../services/cache/MessageCache.ts';
import type { SettingsStore } from '../../services/settings/SettingsStore.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';
import {
  GET_MESSAGES_MAX_LIMIT,
  MESSAGE_BATCH_LIMITS,
  MESSAGE_BATCH_MAX_COUNT,
  cacheableMessageSchema,
  plainJson,
  snowflakeArgSchema,
} from './ipcArgumentSchemas.main.ts';

export interface CacheIpcDeps {
  policy: IpcSenderPolicy;
  cache: Pick<MessageCache, 'getMessages' | 'putMessages' | 'deleteMessages' | 'stats' | 'setMaxBytes' | 'clear'>;
  settings: Pick<SettingsStore, 'update'>;
}

const getMessagesArgs = z.tuple([
  snowflakeArgSchema,
  z.number().int().min(1).max(GET_MESSAGES_MAX_LIMIT),
  z.object({ before: snowflakeArgSchema.optional() }).strict().optional(),
]);

const putMessagesArgs = z
  .tuple([snowflakeArgSchema, plainJson(z.array(cacheableMessageSchema).max(MESSAGE_BATCH_MAX_COUNT), MESSAGE_BATCH_LIMITS)])
  .superRefine(([channelId, messages], ctx) => {
    messages.forEach((message, index) => {
      if (message.channel_id !== channelId) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [1, index, 'channel_id'], message: `must be the channel being written (${channelId})` });
      }
    });
  });

const deleteMessagesArgs = z.tuple([snowflakeArgSchema, z.array(snowflakeArgSchema).max(MESSAGE_BATCH_MAX_COUNT)]);

export function createCacheIpcHandlers({ policy, cache, settings }: CacheIpcDeps) {
  return {
    [IpcChannel.cacheGetMessages]: defineIpcHandler(policy, {
      channel: IpcChannel.cacheGetMessages,
      args: getMessagesArgs,
      handle: ([channelId, limit, options]): APIMessage[] =>
        cache.getMessages(channelId, limit, options?.before === undefined ? {} : { before: options.before }),
    }),
    [IpcChannel.cachePutMessages]: defineIpcHandler(policy, {
      channel: IpcChannel.cachePutMessages,
      args: putMessagesArgs,
      handle: ([channelId, messages]): void => cache.putMessages(channelId, messages),
    }),
    [IpcChannel.cacheDeleteMessages]: defineIpcHandler(policy, {
      channel: IpcChannel.cacheDeleteMessages,
      args: deleteMessagesArgs,
      handle: ([channelId, messageIds]): void => cache.deleteMessages(channelId, messageIds),
    }),
    [IpcChannel.cacheStats]: defineIpcHandler(policy, {
      channel: IpcChannel.cacheStats,
      args: z.tuple([]),
      handle: (): CacheStats => cache.stats(),
    }),
    [IpcChannel.cacheSetMaxBytes]: defineIpcHandler(policy, {
      channel: IpcChannel.cacheSetMaxBytes,
      args: z.tuple([cacheMaxBytesSchema]),
      // The setting is the source of truth for the bound at the next start, so persist it first.
      handle: ([maxBytes]): CacheStats => {
        settings.update({ cacheMaxBytes: maxBytes });
        return cache.setMaxBytes(maxBytes);
      },
    }),
    [IpcChannel.cacheClear]: defineIpcHandler(policy, {
      channel: IpcChannel.cacheClear,
      args: z.tuple([]),
      handle: (): void => cache.clear(),
    }),
  } satisfies Record<string, IpcHandler>;
}
