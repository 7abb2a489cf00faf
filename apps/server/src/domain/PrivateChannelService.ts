// DMs and group DMs: open a DM (with a friend or someone in a shared server, never with someone
// who blocked you), create a group DM (at most 10 people), add and remove recipients, rename, and
// close or leave.
import { ChannelType } from '@concord/protocol';
import type { ChannelRecord, UserRecord } from '../store/records.ts';
import { dispatch, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import { dmKey } from './DomainState.ts';
import { requireCanAddToGroupDM, requireCanDirectMessage } from './RelationshipService.ts';
import { channelToAPI, privateChannelFor, userToAPI } from './serialize.ts';

/** What a recipient may change on a group DM. */
export interface GroupDMPatch {
  name?: string | undefined;
  icon?: string | null | undefined;
}

export class PrivateChannelService {
  constructor(private readonly ctx: DomainContext) {}

  listPrivateChannels(actor: UserRecord) {
    const out = [];
    for (const id of this.ctx.state.userPrivateChannels.get(actor.id) ?? []) {
      const c = this.ctx.state.channels.get(id);
      if (c) out.push(privateChannelFor(c, actor.id, this.ctx.state));
    }
    return out;
  }

  async createDM(actor: UserRecord, recipientId: string) {
    const other = this.ctx.state.users.get(recipientId);
    if (!other || recipientId === actor.id) throw DomainError.fieldError('recipient_id', 'USER_INVALID', 'Unknown user');
    const existingId = this.ctx.state.dmPairs.get(dmKey(actor.id, recipientId));
    const existing = existingId ? this.ctx.state.channels.get(existingId) : undefined;
    if (existing) {
      // Re-opening a DM closed on this side brings it back to this user's list.
      if (!this.ctx.state.userPrivateChannels.get(actor.id)?.has(existing.id)) this.ctx.state.linkPrivateChannel(actor.id, existing.id);
      return privateChannelFor(existing, actor.id, this.ctx.state);
    }
    // A new DM only with a friend or someone in a shared server, never with someone who blocked the actor.
    requireCanDirectMessage(this.ctx.state, actor.id, recipientId);
    return this.createPrivateChannel(actor, ChannelType.DM, [actor.id, recipientId], null);
  }

  async createGroupDM(actor: UserRecord, recipientIds: string[], name: string | null) {
    const ids = [...new Set([actor.id, ...recipientIds])];
    for (const id of ids) if (!this.ctx.state.users.has(id)) throw DomainError.fieldError('recipients', 'USER_INVALID', `Unknown user ${id}`);
    if (ids.length > 10) throw new DomainError('InvalidRecipients', 'Group DMs are limited to 10 recipients');
    if (ids.length === 2) return this.createDM(actor, ids.find((id) => id !== actor.id)!);
    for (const id of ids) if (id !== actor.id) requireCanAddToGroupDM(this.ctx.state, actor, id);
    return this.createPrivateChannel(actor, ChannelType.GROUP_DM, ids, name);
  }

  /** PUT /channels/:id/recipients/:user_id: a recipient adds someone to a group DM (at most 10 people). */
  async addGroupRecipient(actor: UserRecord, channelId: string, userId: string): Promise<void> {
    const channel = this.ctx.state.channels.get(channelId);
    if (!channel || !channel.recipients.includes(actor.id)) throw new DomainError('UnknownChannel');
    if (channel.type !== ChannelType.GROUP_DM) throw new DomainError('InvalidRecipients', 'Recipients can only be added to group DMs');
    const user = this.ctx.state.users.get(userId);
    if (!user) throw new DomainError('UnknownUser');
    if (channel.recipients.includes(userId)) return;
    requireCanAddToGroupDM(this.ctx.state, actor, userId);
    if (channel.recipients.length >= 10) throw new DomainError('InvalidRecipients', 'Group DMs are limited to 10 recipients');
    channel.recipients = [...channel.recipients, userId];
    await this.ctx.meta.upsertChannel(channel);
    this.ctx.state.linkPrivateChannel(userId, channel.id);
    dispatch(this.ctx, `c:${channel.id}`, 'CHANNEL_RECIPIENT_ADD', { channel_id: channel.id, user: userToAPI(user) });
    this.ctx.bus.publish({ kind: 'access', userIds: [userId] });
    dispatch(this.ctx, `u:${userId}`, 'CHANNEL_CREATE', privateChannelFor(channel, userId, this.ctx.state));
  }

  /** DELETE /channels/:id/recipients/:user_id: the group owner removes someone (or anyone removes themselves). */
  async removeGroupRecipient(actor: UserRecord, channelId: string, userId: string): Promise<void> {
    const channel = this.ctx.state.channels.get(channelId);
    if (!channel || !channel.recipients.includes(actor.id)) throw new DomainError('UnknownChannel');
    if (channel.type !== ChannelType.GROUP_DM) throw new DomainError('InvalidRecipients', 'Recipients can only be removed from group DMs');
    if (userId === actor.id) {
      await this.closePrivateChannel(actor, channel);
      return;
    }
    if (channel.owner_id !== actor.id) throw new DomainError('MissingPermissions');
    const removed = this.ctx.state.users.get(userId);
    if (!removed || !channel.recipients.includes(userId)) throw new DomainError('UnknownUser');
    await this.closePrivateChannel(removed, channel);
  }

  private async createPrivateChannel(actor: UserRecord, type: 1 | 3, recipients: string[], name: string | null) {
    const channel: ChannelRecord = {
      id: this.ctx.ids.next(),
      type,
      guild_id: null,
      name,
      topic: null,
      position: 0,
      parent_id: null,
      nsfw: false,
      rate_limit_per_user: 0,
      bitrate: null,
      user_limit: null,
      last_message_id: null,
      last_pin_timestamp: null,
      owner_id: type === ChannelType.GROUP_DM ? actor.id : null,
      icon: null,
      overwrites: [],
      recipients,
    };
    await this.ctx.meta.upsertChannel(channel);
    this.ctx.state.addChannel(channel);
    this.ctx.bus.publish({ kind: 'access', userIds: recipients });
    for (const userId of recipients) dispatch(this.ctx, `u:${userId}`, 'CHANNEL_CREATE', privateChannelFor(channel, userId, this.ctx.state));
    return privateChannelFor(channel, actor.id, this.ctx.state);
  }

  /** PATCH /channels/:id on a group DM: its name and icon, by any recipient. */
  async modifyGroupDM(actor: UserRecord, channel: ChannelRecord, patch: GroupDMPatch) {
    if (channel.type !== ChannelType.GROUP_DM || !channel.recipients.includes(actor.id)) throw new DomainError('UnknownChannel');
    if (patch.name !== undefined) channel.name = patch.name;
    if (patch.icon !== undefined) channel.icon = patch.icon;
    await this.ctx.meta.upsertChannel(channel);
    dispatch(this.ctx, `c:${channel.id}`, 'CHANNEL_UPDATE', channelToAPI(channel, this.ctx.state));
    return privateChannelFor(channel, actor.id, this.ctx.state);
  }

  /** Closes a DM on this side, or leaves a group DM (the others are told). */
  async closePrivateChannel(actor: UserRecord, channel: ChannelRecord) {
    if (!channel.recipients.includes(actor.id)) throw new DomainError('UnknownChannel');
    const api = privateChannelFor(channel, actor.id, this.ctx.state);
    if (channel.type === ChannelType.GROUP_DM) {
      // Leaving a group DM removes the recipient; the others are told.
      channel.recipients = channel.recipients.filter((id) => id !== actor.id);
      if (channel.owner_id === actor.id) channel.owner_id = channel.recipients[0] ?? null;
      await this.ctx.meta.upsertChannel(channel);
      this.ctx.state.userPrivateChannels.get(actor.id)?.delete(channel.id);
      dispatch(this.ctx, `c:${channel.id}`, 'CHANNEL_RECIPIENT_REMOVE', { channel_id: channel.id, user: { id: actor.id } });
      this.ctx.bus.publish({ kind: 'access', userIds: [actor.id] });
    }
    dispatch(this.ctx, `u:${actor.id}`, 'CHANNEL_DELETE', api);
    return api;
  }
}
