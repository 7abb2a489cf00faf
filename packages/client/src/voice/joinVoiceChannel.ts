// Joining a voice channel the way a Discord client does: op 4 on the main gateway, then the
// session's own VOICE_STATE_UPDATE (its session id) and VOICE_SERVER_UPDATE (token and endpoint)
// become a VoiceClient dialled at that endpoint. The returned handle also changes the self flags
// (op 4 again: self mute makes the server stop forwarding, self deafen stops receiving) and leaves.
// A later VOICE_SERVER_UPDATE for the guild (its voice node went away and the server re-granted the
// member elsewhere, or a new token) replaces the VoiceClient, as @discordjs/voice does: the old one
// closes, a new one dials the new endpoint, and 'voiceClient' tells users to re-attach listeners.
import { GatewayOpcode } from '@concord/protocol';
import type { GatewayClient } from '../GatewayClient.ts';
import { TypedEmitter } from '../TypedEmitter.ts';
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

export interface JoinedVoiceEvents {
  /** The voice server changed: `voice` is the new client (connecting); the old one is closed. */
  voiceClient: [voice: VoiceClient, previous: VoiceClient];
  /** VOICE_SERVER_UPDATE with a null endpoint: no voice server for now (the server re-grants later). */
  voiceServerLost: [];
}

export interface JoinedVoice {
  /** The current voice client (replaced on a new VOICE_SERVER_UPDATE: listen to 'voiceClient'). */
  readonly voice: VoiceClient;
  on: TypedEmitter<JoinedVoiceEvents>['on'];
  off: TypedEmitter<JoinedVoiceEvents>['off'];
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
  // The waitFor above matched guild_id to options.guildId (a DM call's would be null, with channel_id).
  const base = { ...options.voice, sessionId: ownState.session_id, serverId: options.guildId, userId: ownState.user_id };
  let voice = new VoiceClient({ ...base, endpoint: serverUpdate.endpoint, token: serverUpdate.token });
  let current = { endpoint: serverUpdate.endpoint, token: serverUpdate.token };
  voice.connect();
  await voice.waitForReady(timeoutMs);
  const events = new JoinedVoiceEmitter();
  const offServerUpdates = gateway.on('dispatchEvent', (event) => {
    if (event.t !== 'VOICE_SERVER_UPDATE' || event.d.guild_id !== options.guildId) return;
    const { endpoint, token } = event.d;
    if (endpoint === current.endpoint && token === current.token) return;
    const previous = voice;
    previous.close(1000, 'voice server changed');
    if (endpoint === null) {
      current = { endpoint: '', token };
      events.fire('voiceServerLost');
      return;
    }
    current = { endpoint, token };
    voice = new VoiceClient({ ...base, endpoint, token });
    // Listeners attach in the 'voiceClient' handler, before the new client can emit anything.
    events.fire('voiceClient', voice, previous);
    voice.connect();
  });
  return {
    get voice() {
      return voice;
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
    setSelfFlags(next) {
      if (next.selfMute !== undefined) flags.selfMute = next.selfMute;
      if (next.selfDeaf !== undefined) flags.selfDeaf = next.selfDeaf;
      sendState(options.channelId);
    },
    leave() {
      offServerUpdates();
      sendState(null);
      voice.close();
    },
  };
}

class JoinedVoiceEmitter extends TypedEmitter<JoinedVoiceEvents> {
  fire<K extends keyof JoinedVoiceEvents>(event: K, ...args: JoinedVoiceEvents[K]): void {
    this.emit(event, ...args);
  }
}
