// Webhooks: management (MANAGE_WEBHOOKS) and execution by token. The token routes also serve
// interaction follow-ups and @original, addressed as /webhooks/<application id>/<interaction token>.
import { CreateWebhookBody, ModifyWebhookBody, ModifyWebhookWithTokenBody, WebhookMessageBody } from '@concord/protocol';
import { DomainError } from '../../domain/DomainError.ts';
import type { TokenCall } from '../../domain/interactions/InteractionService.ts';
import { parseBody } from '../HttpServer.ts';
import { MESSAGE_SEND_RULE, type RequestContext, type RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

export function webhookRoutes(s: Services): RouteDef[] {
  const w = s.webhooks;
  const id = (c: RequestContext) => c.params['webhook_id']!;
  const token = (c: RequestContext) => c.params['webhook_token']!;
  const messageId = (c: RequestContext) => c.params['message_id']!;
  /** Whether the token is an interaction token (its calls go to the interaction, on whichever node holds it) rather than a channel webhook's. */
  const isInteraction = (c: RequestContext) => s.interactions.isInteractionToken(token(c));
  const viaInteraction = (c: RequestContext, call: TokenCall) => s.interactions.tokenCall(id(c), token(c), call);
  /** Files are not accepted through webhooks yet: say so rather than drop them. */
  const noFiles = (c: RequestContext) => {
    if ((c.parts ?? []).some((p) => p.filename !== undefined)) throw DomainError.fieldError('files', 'ATTACHMENTS_NOT_SUPPORTED', 'File uploads through webhooks are not supported yet');
  };

  return [
    { method: 'POST', path: '/channels/:channel_id/webhooks', auth: 'required', handler: async (c) => w.create(c.user, c.params['channel_id']!, parseBody(CreateWebhookBody, c.body), c.auditLogReason) },
    { method: 'GET', path: '/channels/:channel_id/webhooks', auth: 'required', handler: (c) => w.listForChannel(c.user, c.params['channel_id']!) },
    { method: 'GET', path: '/guilds/:guild_id/webhooks', auth: 'required', handler: (c) => w.listForGuild(c.user, c.params['guild_id']!) },
    { method: 'GET', path: '/webhooks/:webhook_id', auth: 'required', handler: (c) => w.get(c.user, id(c)) },
    { method: 'PATCH', path: '/webhooks/:webhook_id', auth: 'required', handler: async (c) => w.modifyManaged(c.user, id(c), parseBody(ModifyWebhookBody, c.body), c.auditLogReason) },
    {
      method: 'DELETE',
      path: '/webhooks/:webhook_id',
      auth: 'required',
      handler: async (c) => {
        await w.deleteManaged(c.user, id(c), c.auditLogReason);
        return undefined;
      },
    },

    // By token
    {
      method: 'GET',
      path: '/webhooks/:webhook_id/:webhook_token',
      auth: 'none',
      handler: async (c) => {
        if (isInteraction(c)) await viaInteraction(c, { op: 'probe' });
        return w.getWithToken(id(c), token(c));
      },
    },
    {
      method: 'PATCH',
      path: '/webhooks/:webhook_id/:webhook_token',
      auth: 'none',
      handler: async (c) => w.modify(null, w.withToken(id(c), token(c)), parseBody(ModifyWebhookWithTokenBody, c.body), c.auditLogReason),
    },
    {
      method: 'DELETE',
      path: '/webhooks/:webhook_id/:webhook_token',
      auth: 'none',
      handler: async (c) => {
        await w.delete(null, w.withToken(id(c), token(c)), c.auditLogReason);
        return undefined;
      },
    },
    {
      method: 'POST',
      path: '/webhooks/:webhook_id/:webhook_token',
      auth: 'none',
      multipart: true,
      rule: MESSAGE_SEND_RULE,
      handler: async (c) => {
        noFiles(c);
        const body = parseBody(WebhookMessageBody, c.body);
        if (isInteraction(c)) return viaInteraction(c, { op: 'followUp', body });
        return w.execute(w.withToken(id(c), token(c)), body, c.query.get('wait') === 'true');
      },
    },
    {
      method: 'GET',
      path: '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
      auth: 'none',
      handler: async (c) => {
        return isInteraction(c) ? viaInteraction(c, { op: 'getMessage', messageId: messageId(c) }) : w.getMessage(w.withToken(id(c), token(c)), messageId(c));
      },
    },
    {
      method: 'PATCH',
      path: '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
      auth: 'none',
      multipart: true,
      handler: async (c) => {
        noFiles(c);
        const body = parseBody(WebhookMessageBody, c.body);
        return isInteraction(c) ? viaInteraction(c, { op: 'editMessage', messageId: messageId(c), body }) : w.editMessage(w.withToken(id(c), token(c)), messageId(c), body);
      },
    },
    {
      method: 'DELETE',
      path: '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
      auth: 'none',
      handler: async (c) => {
        if (isInteraction(c)) await viaInteraction(c, { op: 'deleteMessage', messageId: messageId(c) });
        else await w.deleteMessage(w.withToken(id(c), token(c)), messageId(c));
        return undefined;
      },
    },
  ];
}
