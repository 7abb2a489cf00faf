import { GatewayIntents } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { filterDispatch, WITHHELD, type DispatchRecipient } from './dispatchFilter.ts';

/** A guild id in shard `k` of 2 ((id >> 22) % 2). */
const guildInShard = (k: number) => String(BigInt(10 + k) << 22n);
const bot = (intents: number, shard: [number, number] | null = null): DispatchRecipient => ({ intents, shard, user: { id: 'bot' } });
const message = (extra: Record<string, unknown> = {}) => ({ id: 'm', channel_id: 'c', guild_id: guildInShard(0), author: { id: 'someone' }, mentions: [], content: 'hi', embeds: [{}], attachments: [{}], components: [{}], ...extra });

describe('filterDispatch', () => {
  it('passes everything to a session without intents (user clients), as the same object', () => {
    const d = message();
    expect(filterDispatch({ intents: null, shard: null, user: { id: 'u' } }, 'MESSAGE_CREATE', d)).toBe(d);
  });

  it('withholds guild events of another shard and keeps those of its own', () => {
    const r = bot(GatewayIntents.GUILDS | GatewayIntents.GUILD_MESSAGES | GatewayIntents.MESSAGE_CONTENT, [1, 2]);
    expect(filterDispatch(r, 'MESSAGE_CREATE', message())).toBe(WITHHELD);
    const mine = message({ guild_id: guildInShard(1) });
    expect(filterDispatch(r, 'MESSAGE_CREATE', mine)).toBe(mine);
  });

  it('needs GUILD_MESSAGES for guild messages and DIRECT_MESSAGES for DMs', () => {
    const dm = message({ guild_id: undefined });
    expect(filterDispatch(bot(GatewayIntents.DIRECT_MESSAGES), 'MESSAGE_CREATE', message())).toBe(WITHHELD);
    expect(filterDispatch(bot(GatewayIntents.DIRECT_MESSAGES), 'MESSAGE_CREATE', dm)).toBe(dm);
    expect(filterDispatch(bot(GatewayIntents.GUILD_MESSAGES), 'MESSAGE_CREATE', dm)).toBe(WITHHELD);
  });

  it('needs the reaction and typing intents of the right kind', () => {
    expect(filterDispatch(bot(GatewayIntents.GUILD_MESSAGES), 'MESSAGE_REACTION_ADD', { guild_id: guildInShard(0) })).toBe(WITHHELD);
    expect(filterDispatch(bot(GatewayIntents.GUILD_MESSAGE_REACTIONS), 'MESSAGE_REACTION_ADD', { guild_id: guildInShard(0) })).not.toBe(WITHHELD);
    expect(filterDispatch(bot(GatewayIntents.GUILD_MESSAGE_TYPING), 'TYPING_START', { channel_id: 'dm' })).toBe(WITHHELD);
    expect(filterDispatch(bot(GatewayIntents.DIRECT_MESSAGE_TYPING), 'TYPING_START', { channel_id: 'dm' })).not.toBe(WITHHELD);
  });

  it('strips content, embeds, attachments and components without MESSAGE_CONTENT, leaving the original untouched', () => {
    const d = message();
    const out = filterDispatch(bot(GatewayIntents.GUILD_MESSAGES), 'MESSAGE_CREATE', d);
    expect(out).toEqual({ ...d, content: '', embeds: [], attachments: [], components: [] });
    expect(d.content).toBe('hi');
  });

  it('keeps content for the author and for mentioned bots, and in DMs', () => {
    const r = bot(GatewayIntents.GUILD_MESSAGES | GatewayIntents.DIRECT_MESSAGES);
    const own = message({ author: { id: 'bot' } });
    const mentioned = message({ mentions: [{ id: 'x' }, { id: 'bot' }] });
    const dm = message({ guild_id: undefined });
    expect(filterDispatch(r, 'MESSAGE_UPDATE', own)).toBe(own);
    expect(filterDispatch(r, 'MESSAGE_CREATE', mentioned)).toBe(mentioned);
    expect(filterDispatch(r, 'MESSAGE_CREATE', dm)).toBe(dm);
  });

  it('does not touch events that are not MESSAGE_CREATE/UPDATE', () => {
    const d = { id: 'm', channel_id: 'c', guild_id: guildInShard(0) };
    expect(filterDispatch(bot(GatewayIntents.GUILD_MESSAGES), 'MESSAGE_DELETE', d)).toBe(d);
  });
});
