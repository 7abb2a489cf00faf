// Joining a voice channel the way a Discord client does: op 4 on the main gateway, then the
// session's own VOICE_STATE_UPDATE (its session id) and VOICE_SERVER_UPDATE (token and endpoint)
// become a VoiceClient dialled at that endpoint. The returned handle also changes the self flags
// (op 4 again: self mute makes the server stop forwarding, self deafen stops receiving) and leaves.
import { GatewayOpcode } from '@concord/protocol';
import type { GatewayClient } from '../GatewayClient.ts';
import { VoiceClient, type VoiceClientOptions } from './VoiceClient.ts';

export interface JoinVoiceOptions {
  readonly guildId: string;
  readonly channelId: string;
  readonly selfMute?: boolean;
  readonly selfDeaf?: boolean;
  readonly timeoutMs?: number;
  /** Passed to the VoiceClient (everything but what the gateway tells us). */
  readonly voice?: Omit<VoiceClientOptions, 'endpoint' | 'token' | 'sessionId' | 'serverId' | 'userId'>;
}

export interface JoinedVoice {
  readonly voice: VoiceClient;
  /** op 4 with the same channel and new self flags. */
  setSelfFlags(flags: { selfMute?: boolean; selfDeaf?: boolean }): void;
  /** op 4 with channel_id null, then closes the voice client. */
  leave(): void;
}

export async function joinVoiceChannel(gateway: GatewayClient, options: JoinVoiceOptions): Promise<JoinedVoice> {
  const sessionId = gateway.session;
  if (sessionId === null) throw new Error('the main gateway has no session yet (wait for READY)');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const flags = { selfMute: options.selfMute ?? false, selfDeaf: options.selfDeaf ?? false };
  const sendState = (channelId: string | null) =>
    gateway.send(GatewayOpcode.VoiceStateUpdate, { guild_id: options.guildId, channel_id: channelId, self_mute: flags.selfMute, self_deaf: flags.selfDeaf });
  const state = gateway.waitFor('VOICE_STATE_UPDATE', (d) => d.session_id === sessionId && d.channel_id === options.channelId, timeoutMs);
  const server = gateway.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === options.guildId, timeoutMs);
  if (!sendState(options.channelId)) throw new Error('the main gateway is not connected');
  const [ownState, serverUpdate] = await Promise.all([state, server]);
  if (serverUpdate.endpoint === null) throw new Error('no voice server available (VOICE_SERVER_UPDATE endpoint is null)');
  const voice = new VoiceClient({
    ...options.voice,
    endpoint: serverUpdate.endpoint,
    token: serverUpdate.token,
    sessionId: ownState.session_id,
    serverId: serverUpdate.guild_id,
    userId: ownState.user_id,
  });
  voice.connect();
  await voice.waitForReady(timeoutMs);
  return {
    voice,
    setSelfFlags(next) {
      if (next.selfMute !== undefined) flags.selfMute = next.selfMute;
      if (next.selfDeaf !== undefined) flags.selfDeaf = next.selfDeaf;
      sendState(options.channelId);
    },
    leave() {
      sendState(null);
      voice.close();
    },
  };
}
