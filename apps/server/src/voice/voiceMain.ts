// `npm run voice`: a voice node as its own process. It runs the TLS voice gateway and the UDP media
// server (as `npm start` does in-process), registers with the main server over the control link
// (VOICE_CONTROL_URL, VOICE_NODE_SECRET) and serves the members the main server grants it, until
// SIGINT/SIGTERM. Startup errors end the process with a message that says what to fix.
import pino from 'pino';
import { UwsGuard } from '../http/UwsGuard.ts';
import { Metrics } from '../metrics.ts';
import { VoiceNodeControlClient } from './control/VoiceNodeControlClient.ts';
import { startLocalVoice } from './startLocalVoice.ts';
import { loadVoiceNodeConfig } from './voiceNodeConfig.ts';

async function main(): Promise<void> {
  const config = loadVoiceNodeConfig();
  const log = pino({ level: config.logLevel, base: { svc: 'concord-voice', node: config.id } });
  const guard = new UwsGuard(log, new Metrics());
  const voice = await startLocalVoice(config.voice, config.dataDir, guard, log);
  const control = new VoiceNodeControlClient(voice.node, { url: config.controlUrl, secret: config.secret, id: config.id }, log);
  control.start();
  log.info({ endpoint: voice.node.endpoint, control: config.controlUrl }, `voice node ${config.id} serving wss://${voice.node.endpoint}; registering with ${config.controlUrl}`);
  const stop = (signal: string) => {
    log.info({ signal }, 'voice node shutting down');
    control.close();
    voice.node.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`Concord voice node failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
