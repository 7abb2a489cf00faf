// Two nodes' in-memory state on one real NATS bus and one shared SQLite database: a metadata write
// on one node reaches the other's memory through the log, records keep their identity, and
// concurrent writes of one record on two nodes end the same on both, on the database's row even
// when the log's order is the opposite of the commits'.
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
}

const opened: Node[] = [];
const harnesses: StoreHarness<SqliteMetadataStore>[] = [];
const clusters = new Set<string>();

/** The cluster's one database (the nodes of a test share it, as they share PostgreSQL). */
async function database(): Promise<MetadataStore> {
  const harness = await sqliteStoreHarness((db) => new SqliteMetadataStore(db))();
  harnesses.push(harness);
  return harness.store;
}

/** `store` is what this node writes through (a shared database, or one with hooks in front of it). */
async function node(cluster: string, store: MetadataStore): Promise<Node> {
  clusters.add(cluster);
  const bus = await NatsEventBus.connect({ url: NATS_URL, cluster, retentionMs: 60_000, maxMessages: 10_000, onError: (w, e) => { throw new Error(`${w}: ${String(e)}`); } });
  const state = new DomainState();
  const replicator = new StateReplicator(state, bus);
  const n = { bus, state, replicator, meta: replicator.replicating(store) };
  opened.push(n);
  await bus.start();
  return n;
}

/** The store with one method replaced (`real` is the store's own). */
function hooked<K extends keyof MetadataStore>(store: MetadataStore, name: K, replace: (real: MetadataStore[K]) => MetadataStore[K]): MetadataStore {
  const real = (store[name] as (...a: unknown[]) => unknown).bind(store) as MetadataStore[K];
  const replaced = replace(real);
  return new Proxy(store, { get: (target, p, receiver) => (p === name ? replaced : Reflect.get(target, p, receiver)) });
}

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

afterEach(async () => {
  for (const n of opened.splice(0)) {
    n.replicator.close();
    await n.bus.close();
  }
  for (const h of harnesses.splice(0)) await h.dispose();
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
    const db = await database();
    const a = await node(cluster, db);
    const b = await node(cluster, db);
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
    const db = await database();
    const a = await node(cluster, db);
    const b = await node(cluster, db);
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
    const inDb = (await db.getGuild('2000'))!.name;
    await until(() => a.state.guilds.get('2000')!.guild.name === inDb && b.state.guilds.get('2000')!.guild.name === inDb);
  });

  it('does not flicker a node back to its own older write while a newer one is in flight', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const a = await node(cluster, await database());
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
    const db = await database();
    const a = await node(cluster, db);
    const b = await node(cluster, db);
    await a.meta.createGuild(guild('4000', 'g'), [], [channel('4001', '4000', 'c')], member('4000', '100', []));
    await until(() => b.state.channels.has('4001'));
    const position = a.bus.position;
    a.bus.publish({ kind: 'dispatch', scope: 'c:4001', t: 'MESSAGE_CREATE', d: { id: '4999', channel_id: '4001' } as never });
    await until(() => b.state.channels.get('4001')!.last_message_id === '4999');
    expect(b.bus.position).toBe(position + 1);
  });

  it('ends every node on the database\'s row when two nodes write one record and the log has them in the opposite order of the commits', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const db = await database();
    // A's writes commit, then wait at `held` before A publishes them: B's later commit reaches the log first.
    let held: Promise<void> | null = null;
    let committedOnA = 0;
    const hold = <A extends unknown[]>(real: (...args: A) => Promise<void>) => async (...args: A) => {
      await real(...args);
      committedOnA++;
      if (held) await held;
    };
    let storeA = hooked(db, 'updateGuild', hold);
    storeA = hooked(storeA, 'upsertRole', hold);
    storeA = hooked(storeA, 'upsertChannel', hold);
    storeA = hooked(storeA, 'upsertMember', hold);
    const a = await node(cluster, storeA);
    const b = await node(cluster, db);
    await b.meta.createGuild(guild('5000', 'g'), [role('5001', '5000', 0n)], [channel('5002', '5000', 'c')], member('5000', '100', []));
    await until(() => a.state.guilds.has('5000') && b.state.guilds.has('5000'));
    const writes: [string, (n: Node, v: string) => Promise<void>, (n: Node) => string | undefined, () => Promise<string | undefined>][] = [
      ['guild name', (n, v) => n.meta.updateGuild(guild('5000', v)), (n) => n.state.guilds.get('5000')?.guild.name, async () => (await db.getGuild('5000'))?.name],
      ['role name', (n, v) => n.meta.upsertRole({ ...role('5001', '5000', 0n), name: v }), (n) => n.state.guilds.get('5000')?.roles.get('5001')?.name, async () => (await db.getRole('5000', '5001'))?.name],
      ['channel name', (n, v) => n.meta.upsertChannel(channel('5002', '5000', v)), (n) => n.state.channels.get('5002')?.name ?? undefined, async () => (await db.getChannel('5002'))?.name ?? undefined],
      ['member nick', (n, v) => n.meta.upsertMember({ ...member('5000', '100', []), nick: v }), (n) => n.state.guilds.get('5000')?.members.get('100')?.nick ?? undefined, async () => (await db.getMember('5000', '100'))?.nick ?? undefined],
    ];
    for (const [what, write, inMemory, inDb] of writes) {
      const g = gate();
      held = g.opened;
      const before = committedOnA;
      const fromA = write(a, `${what} from A`);
      await until(() => committedOnA > before);
      await write(b, `${what} from B`);
      await until(() => inMemory(a) === `${what} from B` && inMemory(b) === `${what} from B`);
      const applied = [a.replicator.applied, b.replicator.applied] as const;
      held = null;
      g.open();
      await fromA;
      // The database holds B's (committed last); the log's last is A's: both nodes must end on B's.
      expect(await inDb()).toBe(`${what} from B`);
      await until(() => a.replicator.applied > applied[0] && b.replicator.applied > applied[1]);
      await until(() => inMemory(a) === `${what} from B` && inMemory(b) === `${what} from B`, 2_000).catch(() => {
        throw new Error(`${what}: A has ${String(inMemory(a))}, B has ${String(inMemory(b))}, the database ${what} from B`);
      });
    }
    expect(a.replicator.reread.applied).toBeGreaterThanOrEqual(4);
    expect(b.replicator.reread.applied).toBeGreaterThanOrEqual(4);
  });

  it('keeps a newer change that arrives while a contested record is re-read (the re-read row is older)', async () => {
    const cluster = `sr${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const db = await database();
    // B's re-reads read the row, then wait at `slowRead` before answering.
    const slowRead = gate();
    let reading = false;
    const storeB = hooked(db, 'getGuild', (real) => async (id) => {
      const row = await real(id);
      reading = true;
      await slowRead.opened;
      return row;
    });
    const a = await node(cluster, db);
    const b = await node(cluster, storeB);
    await a.meta.createGuild(guild('6000', 'g'), [], [], member('6000', '100', []));
    await until(() => b.state.guilds.has('6000'));
    await b.meta.updateGuild(guild('6000', 'from B'));
    await a.meta.updateGuild(guild('6000', 'from A'));
    // A after B: contested, B re-reads (and gets 'from A'), held; then A writes again.
    await until(() => reading);
    await a.meta.updateGuild(guild('6000', 'newest from A'));
    await until(() => b.state.guilds.get('6000')!.guild.name === 'newest from A');
    slowRead.open();
    await until(() => b.replicator.reread.superseded >= 1);
    expect(b.state.guilds.get('6000')!.guild.name).toBe('newest from A');
  });
});
