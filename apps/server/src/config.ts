// One typed config object, read from the environment once at start and validated; a bad value
// stops the process with a message that says which variable to fix.
import { z } from 'zod';
import path from 'node:path';

const bool = z
  .string()
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UWS_ALLOW_FALLBACK: bool,
  WORKER_ID: z.coerce.number().int().min(0).max(31).default(0),
  PROCESS_ID: z.coerce.number().int().min(0).max(31).default(0),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(25 * 1024 * 1024),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  WEB_ROOT: z.string().optional(),
  RESUME_WINDOW_MS: z.coerce.number().int().min(1000).default(180_000),
  REPLAY_BUFFER_EVENTS: z.coerce.number().int().min(100).default(50_000),
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  MAX_SOCKETS_PER_IP: z.coerce.number().int().min(1).default(100),
  IDENTIFY_TIMEOUT_MS: z.coerce.number().int().min(500).default(20_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string | null;
  logLevel: string;
  uwsAllowFallback: boolean;
  workerId: number;
  processId: number;
  maxUploadBytes: number;
  rateLimits: boolean;
  webRoot: string | null;
  resumeWindowMs: number;
  replayBufferEvents: number;
  sqliteSynchronous: 'normal' | 'full';
  /** Gateway sockets one address may hold open; more are refused at upgrade with 429. */
  maxSocketsPerIp: number;
  /** A gateway socket that has not sent IDENTIFY or RESUME by then is closed with 4009. */
  identifyTimeoutMs: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; when not, only loopback peers get it. */
  metricsToken: string | null;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration in the environment:\n${lines}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.DATA_DIR),
    publicUrl: c.PUBLIC_URL ?? null,
    logLevel: c.LOG_LEVEL,
    uwsAllowFallback: c.UWS_ALLOW_FALLBACK,
    workerId: c.WORKER_ID,
    processId: c.PROCESS_ID,
    maxUploadBytes: c.MAX_UPLOAD_BYTES,
    rateLimits: c.RATE_LIMITS === 'on',
    webRoot: c.WEB_ROOT ?? null,
    resumeWindowMs: c.RESUME_WINDOW_MS,
    replayBufferEvents: c.REPLAY_BUFFER_EVENTS,
    sqliteSynchronous: c.SQLITE_SYNCHRONOUS,
    maxSocketsPerIp: c.MAX_SOCKETS_PER_IP,
    identifyTimeoutMs: c.IDENTIFY_TIMEOUT_MS,
    metricsToken: c.METRICS_TOKEN ?? null,
  };
}
