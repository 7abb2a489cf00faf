// Two nodes' in-memory state on one real NATS bus: a metadata write on one node reaches the
// other's memory through the log, records keep their identity, and concurrent writes of one
// record on two nodes end the same on both (the log's order wins).
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainState } from '../domain/DomainState.ts';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord } from '../store/records.ts';
import { sqliteStoreHarness } from '../store/sqlite/sqliteStoreHarness.ts';
import { SqliteMetadataStore } from '../store/sqlite/SqliteMetadataStore.ts';
import type { StoreHarness } from '../store/StoreHarness.ts';
import type { MetadataStore } from '../store/MetadataStore.ts';
import { NATS_URL, REDIS_URL, until } from './busContract.ts';
import { dropClusterData } from './dropClusterData.ts';
import { NatsEventBus } from './NatsEventBus.ts';
import { StateReplicator } from './StateReplicator.ts';

interface Node {
  bus: NatsEventBus;
  state: DomainState;
  replicator: StateReplicator;
  meta: MetadataStore;
  harness: StoreHarness<SqliteMetadataStore>;
}

const opened: Node[] = [];
const clusters = new Set<string>();

async function node(cluster: string): Promise<Node> {
  clusters.add(cluster);
  const bus = await NatsEventBus.connect({ url: NATS_URL, cluster, retentionMs: 60_000, maxMessages: 10_000, onError: (w, e) => { throw new Error(`${w}: ${String(e)}`); } });
  const state = new DomainState();
  const replicator = new StateReplicator(state, bus);
  // Each node writes to a store of its own here: what is tested is the memory, not the database.
  const harness = await sqliteStoreHarness((db) => new SqliteMetadataStore(db))();
  const n = { bus, state, replicator, meta: replicator.replicating(harness.store), harness };
  opened.push(n);
  await bus.start();
  return n;
}

afterEach(async () => {
  for (const n of opened.splice(0)) {
    n.replicator.close();
    await n.bus.close();
    await n.harness.dispose();
  }
  for (const c of clusters) await dropClusterData(c, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
  clusters.clear();
});

const guild = (id: string, name: string): GuildRecord => ({
  id, name, icon: null, description: null, owner_id: '100', afk_channel_id: null, afk_timeout: 300, system_channel_id: null, verification_level: 0,
  default_message_notifications: 0, explicit_content_filter: 0, preferred_locale: 'en-US', created_at: 1,
});
const role = (id: string, guildId: string, permissions: bigint): RoleRecord => ({ id, guild_id: guildId, name: 'r', color: 0, hoist: false, position: 0, permissions, managed: false, mentionable: false, icon: null, unicode_emoji: null, bot_id: null });
const channel = (id: string, guildId: string, name: string): ChannelRecord => ({
  id, type: 0, guild_id: guildId, name, topic: null, position: 0, parent_id: null, nsfw: false, rate_limit_per_user: 0, bitrate: null, user_limit: null,
  last_message_id: null, last_pin_timestamp: null, owner_id: null, icon: null, overwrites: [{ id: guildId, type: 0, allow: 0n, deny: 1n << 10n }], recipients: [],
});
const member = (guildId: string, userId: string, roles: string[]): MemberRecord => ({ guild_id: guildId, user_id: userId, nick: null, avatar: null, joined_at: 1, deaf: false, mute: false, communication_disabled_until: null, flags: 0, roles });

describe('StateReplicator on NATS', () => {
  it('puts a guild created on one node, with its roles, channels, members and overwrites, into the other node\'s memory', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const a = await node(cluster);
    const b = await node(cluster);
    const g = guild('1000', 'made on A');
    await a.meta.createGuild(g, [role('1000', '1000', (1n << 50n) | 1024n)], [channel('1001', '1000', 'general')], member('1000', '100', []));
    // A's services put it in A's memory themselves; here only B's memory is under test.
    await until(() => b.state.guilds.has('1000'));
    const bg = b.state.guilds.get('1000')!;
    expect(bg.guild.name).toBe('made on A');
    expect(bg.roles.get('1000')!.permissions).toBe((1n << 50n) | 1024n);
    expect(b.state.channels.get('1001')!.overwrites).toEqual([{ id: '1000', type: 0, allow: 0n, deny: 1n << 10n }]);
    expect(b.state.userGuilds.get('100')).toEqual(new Set(['1000']));

    const before = b.state.channels.get('1001')!;
    await a.meta.upsertMember(member('1000', '200', ['1000']));
    await a.meta.upsertChannel({ ...channel('1001', '1000', 'renamed'), topic: 'new topic' });
    await until(() => b.state.channels.get('1001')!.name === 'renamed');
    // Updated in place: the guild's map and the global map still share the one object.
    expect(b.state.channels.get('1001')).toBe(before);
    expect(bg.channels.get('1001')).toBe(before);
    expect(bg.members.get('200')!.roles).toEqual(['1000']);
    await a.meta.deleteMember('1000', '200');
    await until(() => !bg.members.has('200'));
    expect(b.state.userGuilds.get('200')?.has('1000') ?? false).toBe(false);
  });

  it('ends with the same record on both nodes when both write it at once', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const a = await node(cluster);
    const b = await node(cluster);
    await a.meta.createGuild(guild('2000', 'g'), [], [], member('2000', '100', []));
    await until(() => b.state.guilds.has('2000'));
    await until(() => a.state.guilds.has('2000'));
    for (let round = 0; round < 20; round++) {
      // Each node changes its own memory first, as the services do, then writes.
      const fromA = { ...guild('2000', `A${round}`) };
      const fromB = { ...guild('2000', `B${round}`) };
      Object.assign(a.state.guilds.get('2000')!.guild, fromA);
      Object.assign(b.state.guilds.get('2000')!.guild, fromB);
      await Promise.all([a.meta.updateGuild(fromA), b.meta.updateGuild(fromB)]);
    }
    await until(() => a.bus.position === b.bus.position && a.bus.position >= 41);
    expect(a.state.guilds.get('2000')!.guild.name).toBe(b.state.guilds.get('2000')!.guild.name);
  });

  it('does not flicker a node back to its own older write while a newer one is in flight', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const a = await node(cluster);
    await a.meta.createGuild(guild('3000', 'g'), [], [], member('3000', '100', []));
    await until(() => a.state.guilds.has('3000'));
    const seen: string[] = [];
    a.bus.subscribe(() => seen.push(a.state.guilds.get('3000')!.guild.name));
    for (let i = 0; i < 10; i++) {
      const g = guild('3000', `v${i}`);
      Object.assign(a.state.guilds.get('3000')!.guild, g);
      await a.meta.updateGuild(g);
    }
    await until(() => seen.length === 10);
    expect(new Set(seen)).toEqual(new Set(['v9']));
  });

  it('moves a channel\'s last message id on MESSAGE_CREATE without a state change of its own', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const a = await node(cluster);
    const b = await node(cluster);
    await a.meta.createGuild(guild('4000', 'g'), [], [channel('4001', '4000', 'c')], member('4000', '100', []));
    await until(() => b.state.channels.has('4001'));
    const position = a.bus.position;
    a.bus.publish({ kind: 'dispatch', scope: 'c:4001', t: 'MESSAGE_CREATE', d: { id: '4999', channel_id: '4001' } as never });
    await until(() => b.state.channels.get('4001')!.last_message_id === '4999');
    expect(b.bus.position).toBe(position + 1);
  });
});
