// INTERACTION_CREATE as the bot receives it: Discord's interaction object with the channel, the
// invoker (as a member with permissions in a guild, as a user elsewhere), the bot's own permissions
// and, for components, the message the component sits on.
import { ChannelType, InteractionContextType, type APIInteraction } from '@concord/protocol';
import type { ChannelRecord, MessageRecord, UserRecord } from '../../store/records.ts';
import type { DomainContext } from '../DomainContext.ts';
import type { GuildState } from '../DomainState.ts';
import { channelToAPI, memberToAPI, privateChannelFor, userToAPI } from '../serialize.ts';
import type { WebhookMessageWriter } from '../WebhookMessageWriter.ts';
import type { Interaction } from './Interaction.ts';

export interface PayloadInput {
  i: Interaction;
  channel: ChannelRecord;
  g: GuildState | null;
  actor: UserRecord;
  /** The invoker's permissions in the channel. */
  permissions: bigint;
  data: unknown;
  message: MessageRecord | null;
}

export function interactionPayload(ctx: DomainContext, writer: WebhookMessageWriter, p: PayloadInput): APIInteraction {
  const { i, channel, g, actor, permissions, data, message } = p;
  const botPermissions = ctx.state.channelPermissions(channel, i.botUserId);
  const out: APIInteraction = {
    id: i.id,
    application_id: i.app.id,
    type: i.type,
    data,
    channel: g ? channelToAPI(channel) : privateChannelFor(channel, i.botUserId, ctx.state),
    channel_id: channel.id,
    token: i.token,
    version: 1,
    app_permissions: botPermissions.toString(),
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': g?.id ?? '0' },
    context: g ? InteractionContextType.GUILD : channel.type === ChannelType.DM ? InteractionContextType.BOT_DM : InteractionContextType.PRIVATE_CHANNEL,
    attachment_size_limit: ctx.maxUploadBytes,
  };
  if (g) {
    out.guild_id = g.id;
    out.guild = { id: g.id, locale: g.guild.preferred_locale, features: [] };
    out.guild_locale = g.guild.preferred_locale;
    const member = g.members.get(actor.id);
    if (member) out.member = { ...memberToAPI(member, actor), permissions: permissions.toString() };
  } else out.user = userToAPI(actor);
  if (message) out.message = writer.serialize(message);
  return out;
}
