// Channels, overwrites, invites, DMs, messages, reactions, pins, typing, read states.
import {
  AckBody,
  BulkDeleteBody,
  CreateChannelBody,
  CreateDMBody,
  CreateInviteBody,
  CreateMessageBody,
  EditMessageBody,
  FollowChannelBody,
  MessageHistoryQuery,
  ModifyChannelBody,
  PutOverwriteBody,
  ReactionsQuery,
  ReorderChannelsBody,
} from '@concord/protocol';
import { parseBody } from '../HttpServer.ts';
import { MESSAGE_SEND_RULE, created, done, type AuthedContext, type RouteDef } from '../Route.ts';
import { PendingUploads } from '../uploads.ts';
import type { Services } from './Services.ts';

const queryObject = (q: URLSearchParams) => Object.fromEntries(q.entries());

export function channelRoutes(s: Services): RouteDef[] {
  const ch = s.channels;
  const msg = s.messages;
  const cid = (c: AuthedContext) => c.params['channel_id']!;
  const mid = (c: AuthedContext) => c.params['message_id']!;

  return [
    { method: 'GET', path: '/guilds/:guild_id/channels', auth: 'required', handler: (c) => ch.listGuildChannels(c.user, c.params['guild_id']!) },
    { method: 'POST', path: '/guilds/:guild_id/channels', auth: 'required', handler: async (c) => created(await ch.createChannel(c.user, c.params['guild_id']!, parseBody(CreateChannelBody, c.body))) },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/channels',
      auth: 'required',
      handler: (c) => done(ch.reorderChannels(c.user, c.params['guild_id']!, parseBody(ReorderChannelsBody, c.body))),
    },
    { method: 'GET', path: '/guilds/:guild_id/invites', auth: 'required', handler: (c) => s.invites.listGuildInvites(c.user, c.params['guild_id']!) },
    { method: 'GET', path: '/channels/:channel_id', auth: 'required', handler: (c) => ch.getChannel(c.user, cid(c)) },
    { method: 'PATCH', path: '/channels/:channel_id', auth: 'required', handler: async (c) => ch.modifyChannel(c.user, cid(c), parseBody(ModifyChannelBody, c.body)) },
    { method: 'DELETE', path: '/channels/:channel_id', auth: 'required', handler: async (c) => ch.deleteChannel(c.user, cid(c)) },
    {
      method: 'PUT',
      path: '/channels/:channel_id/permissions/:overwrite_id',
      auth: 'required',
      handler: (c) => done(ch.putOverwrite(c.user, cid(c), c.params['overwrite_id']!, parseBody(PutOverwriteBody, c.body))),
    },
    {
      method: 'DELETE',
      path: '/channels/:channel_id/permissions/:overwrite_id',
      auth: 'required',
      handler: (c) => done(ch.deleteOverwrite(c.user, cid(c), c.params['overwrite_id']!)),
    },
    { method: 'GET', path: '/channels/:channel_id/invites', auth: 'required', handler: (c) => s.invites.listChannelInvites(c.user, cid(c)) },
    { method: 'POST', path: '/channels/:channel_id/invites', auth: 'required', handler: async (c) => s.invites.createInvite(c.user, cid(c), parseBody(CreateInviteBody, c.body)) },
    { method: 'POST', path: '/channels/:channel_id/followers', auth: 'required', handler: async (c) => ch.follow(c.user, cid(c), parseBody(FollowChannelBody, c.body).webhook_channel_id) },
    { method: 'GET', path: '/invites/:code', auth: 'optional', handler: async (c) => s.invites.getInvite(c.params['code']!, c.query.get('with_counts') === 'true') },
    { method: 'POST', path: '/invites/:code', auth: 'required', handler: async (c) => s.invites.acceptInvite(c.user, c.params['code']!) },
    { method: 'DELETE', path: '/invites/:code', auth: 'required', handler: async (c) => s.invites.deleteInvite(c.user, c.params['code']!) },
    { method: 'GET', path: '/users/@me/channels', auth: 'required', handler: (c) => s.privateChannels.listPrivateChannels(c.user) },
    { method: 'PUT', path: '/channels/:channel_id/recipients/:user_id', auth: 'required', handler: (c) => done(s.privateChannels.addGroupRecipient(c.user, cid(c), c.params['user_id']!)) },
    { method: 'DELETE', path: '/channels/:channel_id/recipients/:user_id', auth: 'required', handler: (c) => done(s.privateChannels.removeGroupRecipient(c.user, cid(c), c.params['user_id']!)) },
    {
      method: 'POST',
      path: '/users/@me/channels',
      auth: 'required',
      handler: async (c) => {
        const body = parseBody(CreateDMBody, c.body);
        return 'recipient_id' in body ? s.privateChannels.createDM(c.user, body.recipient_id) : s.privateChannels.createGroupDM(c.user, body.recipients, body.name ?? null);
      },
    },

    // Messages
    {
      method: 'GET',
      path: '/channels/:channel_id/messages',
      auth: 'required',
      handler: async (c) => {
        const q = parseBody(MessageHistoryQuery, queryObject(c.query));
        const query: { limit: number; before?: string; after?: string; around?: string } = { limit: q.limit };
        if (q.around !== undefined) query.around = q.around;
        else if (q.before !== undefined) query.before = q.before;
        else if (q.after !== undefined) query.after = q.after;
        return msg.history(c.user, cid(c), query);
      },
    },
    {
      method: 'POST',
      path: '/channels/:channel_id/messages',
      auth: 'required',
      rule: MESSAGE_SEND_RULE,
      multipart: true,
      // Who may not send here is refused before an upload's body is read.
      beforeBody: (c) => s.messages.assertCanSend(c.user, c.params['channel_id']!),
      // The sender's upload limit here: the instance base, raised by their Nitro and the guild's boost tier.
      maxBodyBytes: (c) => s.messages.uploadLimitBytes(c.user, c.params['channel_id']!),
      handler: async (c) => {
        const body = parseBody(CreateMessageBody, c.body);
        const embeds = body.embeds ?? (body.embed ? [body.embed] : undefined);
        const uploads = c.parts ? PendingUploads.read(s.attachments, c.parts, body.attachments, msg.uploadLimitBytes(c.user, cid(c)), () => s.ctx.ids.next()) : null;
        let stored = false;
        try {
          // The files are written by send() once its checks passed, and removed if the message is not stored.
          const message = await msg.send(c.user, cid(c), { ...body, embeds, attachments: uploads?.records ?? [], writeFiles: uploads ? () => uploads.write() : undefined });
          stored = true;
          return message;
        } finally {
          await uploads?.settle(stored);
        }
      },
    },
    { method: 'GET', path: '/channels/:channel_id/messages/:message_id', auth: 'required', handler: async (c) => msg.getOne(c.user, cid(c), mid(c)) },
    { method: 'PATCH', path: '/channels/:channel_id/messages/:message_id', auth: 'required', handler: async (c) => msg.edit(c.user, cid(c), mid(c), parseBody(EditMessageBody, c.body)) },
    {
      method: 'DELETE',
      path: '/channels/:channel_id/messages/:message_id',
      auth: 'required',
      bucket: 'DELETE message',
      handler: (c) => done(msg.delete(c.user, cid(c), mid(c))),
    },
    {
      method: 'POST',
      path: '/channels/:channel_id/messages/bulk-delete',
      auth: 'required',
      handler: (c) => done(msg.bulkDelete(c.user, cid(c), parseBody(BulkDeleteBody, c.body).messages)),
    },
    { method: 'POST', path: '/channels/:channel_id/messages/:message_id/crosspost', auth: 'required', handler: async (c) => s.crossposts.crosspost(c.user, cid(c), mid(c)) },
    {
      method: 'POST',
      path: '/channels/:channel_id/messages/:message_id/ack',
      auth: 'required',
      handler: async (c) => {
        const body = parseBody(AckBody, c.body);
        await s.readStates.ack(c.user, cid(c), mid(c), body.mention_count ?? 0);
        return { token: null };
      },
    },
    {
      method: 'PUT',
      path: '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me',
      auth: 'required',
      bucket: 'reactions',
      rule: { limit: 20, windowMs: 5000 },
      handler: (c) => done(s.reactions.add(c.user, cid(c), mid(c), c.params['emoji']!)),
    },
    {
      method: 'DELETE',
      path: '/channels/:channel_id/messages/:message_id/reactions/:emoji/:user_id',
      auth: 'required',
      bucket: 'reactions',
      rule: { limit: 20, windowMs: 5000 },
      handler: (c) => done(s.reactions.remove(c.user, cid(c), mid(c), c.params['emoji']!, c.params['user_id']!)),
    },
    {
      method: 'GET',
      path: '/channels/:channel_id/messages/:message_id/reactions/:emoji',
      auth: 'required',
      handler: async (c) => {
        const q = parseBody(ReactionsQuery, queryObject(c.query));
        return s.reactions.users(c.user, cid(c), mid(c), c.params['emoji']!, q.limit, q.after);
      },
    },
    {
      method: 'DELETE',
      path: '/channels/:channel_id/messages/:message_id/reactions/:emoji',
      auth: 'required',
      handler: (c) => done(s.reactions.removeAll(c.user, cid(c), mid(c), c.params['emoji'])),
    },
    {
      method: 'DELETE',
      path: '/channels/:channel_id/messages/:message_id/reactions',
      auth: 'required',
      handler: (c) => done(s.reactions.removeAll(c.user, cid(c), mid(c))),
    },
    { method: 'GET', path: '/channels/:channel_id/pins', auth: 'required', handler: async (c) => s.pins.list(c.user, cid(c)) },
    {
      method: 'PUT',
      path: '/channels/:channel_id/pins/:message_id',
      auth: 'required',
      handler: (c) => done(s.pins.setPinned(c.user, cid(c), mid(c), true)),
    },
    {
      method: 'DELETE',
      path: '/channels/:channel_id/pins/:message_id',
      auth: 'required',
      handler: (c) => done(s.pins.setPinned(c.user, cid(c), mid(c), false)),
    },
    {
      method: 'POST',
      path: '/channels/:channel_id/typing',
      auth: 'required',
      rule: { limit: 10, windowMs: 5000 },
      handler: (c) => {
        s.typing.start(c.user, cid(c));
        return undefined;
      },
    },
  ];
}
