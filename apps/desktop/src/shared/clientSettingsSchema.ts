// The one schema for ClientSettings: the settings file is parsed with it on read and write, and
// the `settings.set` IPC call parses its patch with it. Objects are strict so that unknown keys
// (including `__proto__` smuggled in through JSON) are rejected, not silently merged.
import { z } from 'zod';
import type { ClientSettings } from './bridge.ts';

export const CACHE_MAX_BYTES_MIN = 16 * 1024 * 1024;
export const CACHE_MAX_BYTES_MAX = 32 * 1024 * 1024 * 1024;

/** An Electron accelerator such as `Ctrl+Shift+M`: short printable ASCII. */
const keybindSchema = z.string().min(1).max(64).regex(/^[\x20-\x7E]+$/, 'must be printable ASCII');
const deviceIdSchema = z.string().max(512);
const volumeSchema = z.number().int().min(0).max(200);

export const cacheMaxBytesSchema = z.number().int().min(CACHE_MAX_BYTES_MIN).max(CACHE_MAX_BYTES_MAX);

export const ClientSettingsSchema = z
  .object({
    theme: z.enum(['dark', 'light']),
    cacheMaxBytes: cacheMaxBytesSchema,
    notifications: z.object({ mentions: z.boolean(), directMessages: z.boolean(), sound: z.boolean() }).strict(),
    activityPrivacy: z.object({ shareActivity: z.boolean() }).strict(),
    keybinds: z
      .object({
        pushToTalk: keybindSchema.nullable(),
        toggleMute: keybindSchema.nullable(),
        toggleDeafen: keybindSchema.nullable(),
        // Added after the first version: a stored section without them keeps its other binds.
        pushToMute: keybindSchema.nullable().default(null),
        toggleOverlayLock: keybindSchema.nullable().default('Shift+`'),
      })
      .strict(),
    games: z
      .object({
        registered: z.array(z.object({ name: z.string().min(1).max(128), executable: z.string().min(1).max(260) }).strict()).max(200),
        hidden: z.array(z.string().min(1).max(260)).max(1000),
      })
      .strict(),
    overlay: z
      .object({
        enabled: z.boolean(),
        disabledGames: z.array(z.string().min(1).max(260)).max(1000),
        notifications: z.boolean(),
      })
      .strict(),
    voice: z
      .object({
        inputDeviceId: deviceIdSchema.nullable(),
        outputDeviceId: deviceIdSchema.nullable(),
        inputVolume: volumeSchema,
        outputVolume: volumeSchema,
      })
      .strict(),
    voiceInput: z
      .object({
        mode: z.enum(['voiceActivity', 'pushToTalk']),
        sensitivityDb: z.number().min(-100).max(0).nullable(),
        pttReleaseDelayMs: z.number().int().min(0).max(2000),
        echoCancellation: z.boolean(),
        noiseSuppression: z.boolean(),
        rnnoise: z.boolean().default(false),
        autoGainControl: z.boolean(),
      })
      .strict(),
    compactMode: z.boolean(),
  })
  .strict() satisfies z.ZodType<ClientSettings, z.ZodTypeDef, unknown>; // input: voiceInput.rnnoise and the later keybinds may be absent (defaults)

/** A `settings.set` patch: any subset of the top-level keys, each value complete. */
export const ClientSettingsPatchSchema = ClientSettingsSchema.partial();

export type ClientSettingsKey = keyof ClientSettings;
