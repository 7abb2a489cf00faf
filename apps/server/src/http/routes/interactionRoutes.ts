// Interactions: the user's side (POST /interactions) and the bot's first answer (callback). The
// follow-up and @original routes share the webhook paths (webhookRoutes.ts).
import { CreateInteractionBody, InteractionCallbackBody } from '@concord/protocol';
import { DomainError } from '../../domain/DomainError.ts';
import { parseBody } from '../HttpServer.ts';
import type { RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

export function interactionRoutes(s: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/interactions',
      auth: 'required',
      rule: { limit: 10, windowMs: 5000 },
      handler: async (c) => {
        s.auth.requireHuman(c.user);
        return s.interactions.create(c.user, parseBody(CreateInteractionBody, c.body));
      },
    },
    {
      method: 'POST',
      path: '/interactions/:interaction_id/:interaction_token/callback',
      auth: 'none',
      multipart: true,
      handler: async (c) => {
        if ((c.parts ?? []).some((p) => p.filename !== undefined)) throw DomainError.fieldError('files', 'ATTACHMENTS_NOT_SUPPORTED', 'File uploads in interaction responses are not supported yet');
        return s.interactions.callback(c.params['interaction_id']!, c.params['interaction_token']!, parseBody(InteractionCallbackBody, c.body), c.query.get('with_response') === 'true');
      },
    },
  ];
}
