// Receives the renderer's voice frame port: the preload posts one end of a MessageChannel on
// VOICE_PORT_CHANNEL, and only the app's own renderer (the same sender policy as every invoke
// channel) may hand one over. Anything else (no port, several, an untrusted frame) is dropped.
import { ipcMain, type IpcMainEvent } from 'electron';
import { VOICE_PORT_CHANNEL } from '../../shared/ipcChannels.ts';
import { fromElectronPort } from '../../services/voice/PipelinePort.ts';
import type { VoicePipelineHost } from '../../services/voice/VoicePipelineHost.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';

export function registerVoicePort(policy: IpcSenderPolicy, host: VoicePipelineHost, warn: (message: string) => void): () => void {
  const listener = (event: IpcMainEvent) => {
    const verdict = policy.check(event);
    const port = event.ports.length === 1 ? event.ports[0] : undefined;
    if (!verdict.trusted || port === undefined) {
      for (const p of event.ports) p.close();
      warn(`${VOICE_PORT_CHANNEL}: refused (${verdict.trusted ? `${event.ports.length} ports` : verdict.reason})`);
      return;
    }
    host.attachPort(fromElectronPort(port));
  };
  ipcMain.on(VOICE_PORT_CHANNEL, listener);
  return () => ipcMain.off(VOICE_PORT_CHANNEL, listener);
}
