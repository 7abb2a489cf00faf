// IPC handlers for `concord.settings.*`. A change of cacheMaxBytes is applied to the live cache
// too, so the settings screen and `concord.cache.setMaxBytes` cannot disagree.
import { z } from 'zod';
import type { ClientSettings } from '../../shared/bridge.ts';
import { ClientSettingsPatchSchema } from '../../shared/clientSettingsSchema.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import type { MessageCache } from '../../services/cache/MessageCache.ts';
import type { SettingsStore } from '../../services/settings/SettingsStore.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';
import { plainJson } from './ipcArgumentSchemas.main.ts';

export interface SettingsIpcDeps {
  policy: IpcSenderPolicy;
  settings: Pick<SettingsStore, 'get' | 'update'>;
  cache: Pick<MessageCache, 'setMaxBytes'>;
  /** Called after every successful change (the main process re-applies theme-dependent state). */
  onChanged?: (settings: ClientSettings) => void;
}

const SETTINGS_PATCH_LIMITS = { maxDepth: 4, maxBytes: 64 * 1024 };

export function createSettingsIpcHandlers({ policy, settings, cache, onChanged }: SettingsIpcDeps) {
  return {
    [IpcChannel.settingsGet]: defineIpcHandler(policy, {
      channel: IpcChannel.settingsGet,
      args: z.tuple([]),
      handle: (): ClientSettings => settings.get(),
    }),
    [IpcChannel.settingsSet]: defineIpcHandler(policy, {
      channel: IpcChannel.settingsSet,
      args: z.tuple([plainJson(ClientSettingsPatchSchema, SETTINGS_PATCH_LIMITS)]),
      handle: ([patch]): ClientSettings => {
        const previousMaxBytes = settings.get().cacheMaxBytes;
        const next = settings.update(patch);
        if (next.cacheMaxBytes !== previousMaxBytes) cache.setMaxBytes(next.cacheMaxBytes);
        onChanged?.(next);
        return next;
      },
    }),
  } satisfies Record<string, IpcHandler>;
}
