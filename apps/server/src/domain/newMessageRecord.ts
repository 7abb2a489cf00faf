// A message record with every optional part empty: callers that post system messages (pins,
// auto-moderation alerts) name only what differs.
import type { MessageRecord } from '../store/records.ts';

export function newMessageRecord(fields: Pick<MessageRecord, 'id' | 'channel_id' | 'guild_id' | 'author_id' | 'type'> & Partial<MessageRecord>): MessageRecord {
  return {
    content: '',
    edited_at: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    pinned_at: null,
    flags: 0,
    reference: null,
    webhook_id: null,
    application_id: null,
    nonce: null,
    author_override: null,
    interaction: null,
    ...fields,
  };
}
