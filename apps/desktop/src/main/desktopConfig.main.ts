// The desktop app's configuration from the environment, parsed once at start. A bad value stops the
// app with a message that says which variable to fix.
import { z } from 'zod';

const httpUrl = z
  .string()
  .url()
  // zod runs this even when .url() failed, so it must not assume the value parses.
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http:// or https:// URL');

const DesktopEnvSchema = z.object({
  /** Load the web client from this server instead of the bundled renderer build. */
  CONCORD_SERVER_URL: httpUrl.optional(),
  /** Keep settings and the cache somewhere else (a second profile, tests). */
  CONCORD_USER_DATA_DIR: z.string().min(1).optional(),
});

export interface DesktopConfig {
  serverUrl: string | null;
  userDataDir: string | null;
}

export function readDesktopConfig(env: NodeJS.ProcessEnv): DesktopConfig {
  const parsed = DesktopEnvSchema.safeParse({
    CONCORD_SERVER_URL: env.CONCORD_SERVER_URL || undefined,
    CONCORD_USER_DATA_DIR: env.CONCORD_USER_DATA_DIR || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid desktop configuration (${problems}); fix or unset these environment variables`);
  }
  return { serverUrl: parsed.data.CONCORD_SERVER_URL ?? null, userDataDir: parsed.data.CONCORD_USER_DATA_DIR ?? null };
}
