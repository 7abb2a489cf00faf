// Discord's detectable applications (`GET /applications/detectable`): games the desktop client
// recognises by their running executables, and launchers it ignores. The server validates its seed
// file with this schema at startup; clients parse the list with it once, when it arrives.
import { z } from 'zod';
import { snowflakeSchema } from './fieldSchemas.ts';

/** The operating systems an executable entry names, as Node's `process.platform` spells them. */
export const DETECTABLE_OS = ['win32', 'linux', 'darwin'] as const;
export type DetectableOs = (typeof DETECTABLE_OS)[number];

export const DetectableExecutableSchema = z.object({
  /** Unknown systems (Discord also lists consoles) are kept as strings and ignored by the matcher. */
  os: z.string().min(1).max(32),
  /**
   * A `/`-separated, lowercase path suffix: `game.exe`, `bin/win64/game.exe`, or a macOS bundle
   * `game.app`. A running program matches when its path ends with it on a segment boundary.
   */
  name: z.string().min(1).max(260),
  /** Launchers (Steam, Battle.net, a game's own launcher) are never shown as Playing. */
  is_launcher: z.boolean(),
  arguments: z.string().max(512).optional(),
});

export const DetectableApplicationSchema = z.object({
  id: snowflakeSchema,
  name: z.string().min(1).max(128),
  executables: z.array(DetectableExecutableSchema).max(64),
  aliases: z.array(z.string().min(1).max(128)).max(32),
  hook: z.boolean(),
  overlay: z.boolean(),
  overlay_warn: z.boolean(),
  overlay_compatibility_hook: z.boolean(),
  summary: z.string().max(1024),
  icon_hash: z.string().max(64).nullable(),
});

export const DetectableApplicationListSchema = z.array(DetectableApplicationSchema).max(20_000);

export type APIDetectableExecutable = z.infer<typeof DetectableExecutableSchema>;
export type APIDetectableApplication = z.infer<typeof DetectableApplicationSchema>;
