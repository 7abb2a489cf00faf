// Gateway op 4 (VOICE_STATE_UPDATE): join, move or leave a guild voice channel, or change self
// mute/deaf/video/stream; with guild_id null, a DM or group DM call. A malformed payload closes the
// socket with 4002; a refused one (no CONNECT, full channel, unknown guild, another shard's guild,
// not a recipient of the DM, blocked) changes nothing and is only counted, as Discord ignores it.
// The rules and events are VoiceStateService's (and CallService's for calls).
import { GatewayCloseCode, VoiceStateUpdateData } from '@concord/protocol';
import type { Logger } from 'pino';
import type { VoiceStateService } from '../domain/VoiceStateService.ts';
import type { Metrics } from '../metrics.ts';
import type { GatewaySession } from './GatewaySession.ts';
import type { GatewaySocket } from './GatewaySocket.ts';
import type { SocketWriter } from './SocketWriter.ts';

export class VoiceStateHandler {
  constructor(
    private readonly voice: VoiceStateService,
    private readonly writer: SocketWriter,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  voiceStateUpdate(ws: GatewaySocket, s: GatewaySession, raw: unknown): void {
    const parsed = VoiceStateUpdateData.safeParse(raw);
    if (!parsed.success) {
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Invalid voice state update.');
      return;
    }
    const d = parsed.data;
    const flags = { channelId: d.channel_id, selfMute: d.self_mute, selfDeaf: d.self_deaf, selfVideo: d.self_video, selfStream: d.self_stream };
    if (d.guild_id === null) {
      // A DM or group DM call (CallService); refusals are only counted, as for guilds.
      const outcome = this.voice.updatePrivateFromGateway(s.user, s.id, flags);
      if (outcome.status === 'refused') this.refused(s, outcome.reason);
      return;
    }
    // A guild outside the session's shard is not its to join.
    if (!s.inShard(d.guild_id)) {
      this.refused(s, 'wrong_shard');
      return;
    }
    const outcome = this.voice.updateFromGateway(s.user, s.id, {
      guildId: d.guild_id,
      channelId: d.channel_id,
      selfMute: d.self_mute,
      selfDeaf: d.self_deaf,
      selfVideo: d.self_video,
      selfStream: d.self_stream,
    });
    if (outcome.status === 'refused') this.refused(s, outcome.reason);
  }

  private refused(s: GatewaySession, reason: string): void {
    this.metrics.voiceStateRefusals.inc({ reason });
    this.log.debug({ session: s.id, reason }, 'voice state update refused');
  }
}
