// Owns the desktop's one native voice pipeline for the main process: the renderer hands over a
// message port (attachPort), then starts it with what its session's VOICE_SERVER_UPDATE said.
// Settings come from the settings store (the same sections the web client's engine follows), so a
// change in Voice & Video applies here without a separate IPC call. Plain Node: tested headless.
import type { OpusBackend } from '@concord/media';
import type { VoiceConnectionInfo } from '@concord/client/voice';
import { NativeVoicePipeline, type PipelineSettings } from './NativeVoicePipeline.ts';
import type { PipelinePort } from './PipelinePort.ts';
import type { PipelineStats } from './pipelineMessages.ts';

export interface VoicePipelineHostOptions {
  readonly settings: () => PipelineSettings;
  readonly ca?: string | Buffer | undefined;
  readonly backend?: OpusBackend | undefined;
}

export class VoicePipelineHost {
  private port: PipelinePort | null = null;
  private pipeline: NativeVoicePipeline | null = null;

  constructor(private readonly options: VoicePipelineHostOptions) {}

  /** A new port from the renderer (a reload makes a new one): any running pipeline stops. */
  attachPort(port: PipelinePort): void {
    this.stop();
    this.port?.close();
    this.port = port;
  }

  /** Connects; false when the renderer has not handed over a port yet. */
  start(target: VoiceConnectionInfo, flags: { selfMute: boolean; selfDeaf: boolean }): boolean {
    const port = this.port;
    if (port === null) return false;
    this.pipeline?.close();
    this.pipeline = new NativeVoicePipeline({ port, settings: this.options.settings(), selfMute: flags.selfMute, selfDeaf: flags.selfDeaf, ca: this.options.ca, backend: this.options.backend });
    this.pipeline.connect(target);
    return true;
  }

  /** Leaves: closes the voice connection and the port (the renderer opens a new one to rejoin). */
  stop(): void {
    if (this.pipeline === null) return;
    this.pipeline.close();
    this.pipeline = null;
    this.port = null;
  }

  settingsChanged(settings: PipelineSettings): void {
    this.pipeline?.setSettings(settings);
  }

  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void {
    this.pipeline?.setSelfFlags(selfMute, selfDeaf);
  }

  setUserAudio(userId: string, volumePercent: number, localMute: boolean): void {
    this.pipeline?.setUserAudio(userId, volumePercent, localMute);
  }

  setPushToTalk(down: boolean): void {
    this.pipeline?.setPushToTalk(down);
  }

  stats(): PipelineStats | null {
    return this.pipeline?.stats() ?? null;
  }
}
