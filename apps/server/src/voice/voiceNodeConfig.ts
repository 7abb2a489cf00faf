// Configuration of a voice node process (`npm run voice`): the voice settings `npm start` reads
// (VOICE_PORT, VOICE_UDP_PORT, VOICE_HOST, VOICE_PUBLIC_HOST/IP, TLS_CERT_FILE/TLS_KEY_FILE, DATA_DIR
// for the generated certificate, LOG_LEVEL) plus where and how to reach the main server.
import crypto from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import { loadConfig, type VoiceConfig } from '../config.ts';

const NodeSchema = z.object({
  VOICE_CONTROL_URL: z
    .string({ required_error: 'required: the main server\'s control URL, e.g. ws://main-host:8080/internal/voice-nodes' })
    .url()
    .refine((u) => u.startsWith('ws://') || u.startsWith('wss://'), 'must be a ws:// or wss:// URL'),
  VOICE_NODE_SECRET: z.string({ required_error: 'required: the same value as the main server\'s VOICE_NODE_SECRET' }).min(16, 'must be at least 16 characters'),
  VOICE_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)')
    .optional(),
});

export interface VoiceNodeConfig {
  id: string;
  controlUrl: string;
  secret: string;
  dataDir: string;
  logLevel: string;
  voice: VoiceConfig;
}

export function loadVoiceNodeConfig(env: Record<string, string | undefined> = process.env): VoiceNodeConfig {
  const base = loadConfig({ ...env, VOICE: 'on' });
  const parsed = NodeSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration in the environment:\n${lines}`);
  }
  if (!base.voice) throw new Error('voice configuration missing'); // VOICE is forced on above
  return {
    // Unique per process unless set: a restarted node registers as a new one (its old members were moved).
    id: parsed.data.VOICE_NODE_ID ?? `${os.hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 40) || 'voice'}-${crypto.randomBytes(3).toString('hex')}`,
    controlUrl: parsed.data.VOICE_CONTROL_URL,
    secret: parsed.data.VOICE_NODE_SECRET,
    dataDir: base.dataDir,
    logLevel: base.logLevel,
    voice: base.voice,
  };
}
