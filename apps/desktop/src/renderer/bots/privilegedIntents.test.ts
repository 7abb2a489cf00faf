import { ApplicationFlags, GatewayIntents, privilegedIntentsForFlags } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { PRIVILEGED_INTENTS, intentEnabled, withIntent } from './privilegedIntents.ts';

const intent = (key: string) => PRIVILEGED_INTENTS.find((i) => i.key === key)!;

describe('privileged intent switches', () => {
  it('grant exactly the gateway intent the server checks on IDENTIFY', () => {
    const expected = { presence: GatewayIntents.GUILD_PRESENCES, members: GatewayIntents.GUILD_MEMBERS, messageContent: GatewayIntents.MESSAGE_CONTENT };
    for (const i of PRIVILEGED_INTENTS) expect(privilegedIntentsForFlags(withIntent(0, i, true))).toBe(expected[i.key]);
  });

  it('set the _LIMITED bit, as the docs and Discord do', () => {
    expect(withIntent(0, intent('messageContent'), true)).toBe(ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED);
    expect(withIntent(0, intent('members'), true)).toBe(ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED);
    expect(withIntent(0, intent('presence'), true)).toBe(ApplicationFlags.GATEWAY_PRESENCE_LIMITED);
  });

  it('read either bit as on, clear both when switched off, and keep every other flag', () => {
    const flags = ApplicationFlags.GATEWAY_MESSAGE_CONTENT | ApplicationFlags.APPLICATION_COMMAND_BADGE | ApplicationFlags.GATEWAY_PRESENCE_LIMITED;
    expect(intentEnabled(flags, intent('messageContent'))).toBe(true);
    expect(intentEnabled(flags, intent('members'))).toBe(false);
    const off = withIntent(flags, intent('messageContent'), false);
    expect(off).toBe(ApplicationFlags.APPLICATION_COMMAND_BADGE | ApplicationFlags.GATEWAY_PRESENCE_LIMITED);
    expect(withIntent(off, intent('presence'), false)).toBe(ApplicationFlags.APPLICATION_COMMAND_BADGE);
  });
});
