// Voice states over REST: join a voice channel without a gateway session (answers the voice
// server's token and endpoint and a fresh voice session id), and read one member's voice state.
import { JoinVoiceChannelBody } from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import type { RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

export function voiceRoutes(s: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/guilds/:guild_id/voice-states/@me',
      auth: 'required',
      handler: (c) => s.voiceStates.joinViaRest(c.user, c.params['guild_id']!, parseBody(JoinVoiceChannelBody, c.body)),
    },
    { method: 'GET', path: '/guilds/:guild_id/voice-states/:user_id', auth: 'required', handler: (c) => s.voiceStates.getVoiceState(c.user, c.params['guild_id']!, c.params['user_id']!) },
  ];
}
