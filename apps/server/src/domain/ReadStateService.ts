// Read states: how far each user has read in each channel and how many mentions wait there. Sending
// a message moves the author's read state (MessageService); this is the explicit acknowledgement,
// echoed to the user's other sessions as MESSAGE_ACK.
import type { UserRecord } from '../store/records.ts';
import { dispatch, requireVisibleChannel, type DomainContext } from './DomainContext.ts';

export class ReadStateService {
  constructor(private readonly ctx: DomainContext) {}

  async ack(actor: UserRecord, channelId: string, messageId: string, mentionCount = 0): Promise<void> {
    requireVisibleChannel(this.ctx, channelId, actor);
    await this.ctx.meta.putReadState({ user_id: actor.id, channel_id: channelId, last_message_id: messageId, mention_count: mentionCount });
    dispatch(this.ctx, `u:${actor.id}`, 'MESSAGE_ACK', { channel_id: channelId, message_id: messageId, mention_count: mentionCount, version: Date.now() });
  }

  async list(userId: string) {
    return this.ctx.meta.getReadStates(userId);
  }
}
