// A complete APIMessage for renderer unit tests; pass only what the test is about.
import type { APIMessage } from '@concord/protocol';

export function makeMessage(overrides: Partial<APIMessage> & { id: string }): APIMessage {
  return {
    type: 0,
    channel_id: '9',
    author: { id: '1', username: 'a', discriminator: '0', global_name: null, avatar: null },
    content: 'x',
    timestamp: '2025-01-01T00:00:00Z',
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    flags: 0,
    components: [],
    ...overrides,
  };
}
