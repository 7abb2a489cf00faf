// The developer portal's three privileged-intent switches over an application's `flags`. Each
// intent has two bits (Discord's full and "_LIMITED" grants; the server accepts either, see
// privilegedIntentsForFlags in @concord/protocol). Switching one on sets the _LIMITED bit, as
// Discord does for applications in fewer than 100 servers; switching it off clears both.
import { ApplicationFlags } from '@concord/protocol';

export interface PrivilegedIntent {
  key: 'presence' | 'members' | 'messageContent';
  label: string;
  description: string;
  /** Either bit grants the intent. */
  bits: number;
  /** The bit a switch sets. */
  grant: number;
}

export const PRIVILEGED_INTENTS: readonly PrivilegedIntent[] = [
  {
    key: 'presence',
    label: 'Presence Intent',
    description: 'Required for your bot to receive Presence Update events (GUILD_PRESENCES).',
    bits: ApplicationFlags.GATEWAY_PRESENCE | ApplicationFlags.GATEWAY_PRESENCE_LIMITED,
    grant: ApplicationFlags.GATEWAY_PRESENCE_LIMITED,
  },
  {
    key: 'members',
    label: 'Server Members Intent',
    description: 'Required for your bot to receive events listed under GUILD_MEMBERS and to request the member list.',
    bits: ApplicationFlags.GATEWAY_GUILD_MEMBERS | ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED,
    grant: ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED,
  },
  {
    key: 'messageContent',
    label: 'Message Content Intent',
    description: 'Required for your bot to receive message content in most messages (MESSAGE_CONTENT).',
    bits: ApplicationFlags.GATEWAY_MESSAGE_CONTENT | ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED,
    grant: ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED,
  },
];

export function intentEnabled(flags: number, intent: PrivilegedIntent): boolean {
  return (flags & intent.bits) !== 0;
}

/** The flags with one intent switched; every other bit is kept (the server refuses changes to them). */
export function withIntent(flags: number, intent: PrivilegedIntent, on: boolean): number {
  return on ? (flags & ~intent.bits) | intent.grant : flags & ~intent.bits;
}
