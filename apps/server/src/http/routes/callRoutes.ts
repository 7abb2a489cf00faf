// DM and group DM calls over REST (Discord's private-channel call endpoints): ring recipients of a
// call that is going on, and stop ringing (a recipient declining, or the caller giving up on someone).
// Joining and leaving a call is gateway op 4 with guild_id null (CallService).
import { snowflakeSchema } from '@concord/protocol';
import { z } from 'zod';
import { parseBody } from '../HttpServer.ts';
import { noContent, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

/** `{recipients?}`: user ids (a group DM has at most 10 people); absent or null means the default. */
export const CallRingBody = z.object({ recipients: z.array(snowflakeSchema).max(10).nullable().optional() });

export function callRoutes(s: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/channels/:channel_id/call/ring',
      auth: 'required',
      handler: (c) => {
        s.calls.ring(c.user, c.params['channel_id']!, parseBody(CallRingBody, c.body).recipients);
        return noContent();
      },
    },
    {
      method: 'POST',
      path: '/channels/:channel_id/call/stop-ringing',
      auth: 'required',
      handler: (c) => {
        s.calls.stopRinging(c.user, c.params['channel_id']!, parseBody(CallRingBody, c.body).recipients);
        return noContent();
      },
    },
  ];
}
