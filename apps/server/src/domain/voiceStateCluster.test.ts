import { ChannelType, PermissionFlags, SnowflakeGenerator } from '@concord/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingVoiceNode } from '../../test/voice-states.node.ts';
import { ClusterNodes } from '../bus/ClusterNodes.ts';
import type { BusMessage } from '../bus/EventBus.ts';
import { QueuedBus } from '../bus/QueuedBus.ts';
import type { ChannelRecord, GuildRecord, UserRecord } from '../store/records.ts';
import { VoiceNodeRegistry } from '../voice/VoiceNodeRegistry.ts';
import type { DomainContext } from './DomainContext.ts';
import { DomainState, GuildState } from './DomainState.ts';
import { VoiceStateService } from './VoiceStateService.ts';

const G = '100';
const guild: GuildRecord = { id: G, name: 'g', icon: null, description: null, owner_id: 'o', system_channel_id: null, afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0, preferred_locale: 'en-US', created_at: 0 };
const voice = (id: string): ChannelRecord => ({ id, type: ChannelType.GUILD_VOICE, guild_id: G, name: id, topic: null, position: 0, parent_id: null, nsfw: false, rate_limit_per_user: 0, bitrate: null, user_limit: null, last_message_id: null, last_pin_timestamp: null, owner_id: null, icon: null, overwrites: [], recipients: [] });
const user = (id: string): UserRecord => ({ id, username: id, bot: false } as UserRecord);

function world(): DomainState {
  const state = new DomainState();
  state.guilds.set(G, new GuildState(guild));
  state.guilds.get(G)!.roles.set(G, { id: G, guild_id: G, name: '@everyone', color: 0, hoist: false, position: 0, permissions: PermissionFlags.VIEW_CHANNEL | PermissionFlags.CONNECT | PermissionFlags.SPEAK, managed: false, mentionable: false, icon: null, unicode_emoji: null, bot_id: null });
  for (const u of ['x', 'y']) {
    state.users.set(u, user(u));
    state.addMember({ guild_id: G, user_id: u, nick: null, avatar: null, joined_at: 0, deaf: false, mute: false, communication_disabled_until: null, flags: 0, roles: [] });
  }
  state.addChannel(voice('lobby'));
  state.addChannel(voice('other'));
  return state;
}

describe('VoiceStateService across cluster processes', () => {
  let clock = 1_000_000;
  const opened: { cluster: ClusterNodes; voice: VoiceStateService }[] = [];
  afterEach(() => {
    for (const o of opened.splice(0)) {
      o.voice.close();
      o.cluster.close();
    }
  });

  function process(bus: QueuedBus, name: string, node: RecordingVoiceNode | null) {
    const cluster = new ClusterNodes(bus, name, { heartbeatMs: 60_000, deadAfterMs: 15_000, now: () => clock });
    const state = world();
    // Only what VoiceStateService reads (state, bus, cluster) is real; it never touches the stores.
    const ctx = { state, bus, cluster, ids: new SnowflakeGenerator(0, 0) } as unknown as DomainContext;
    const registry = new VoiceNodeRegistry();
    const voice = new VoiceStateService(ctx, registry, { sweepIntervalMs: 3_600_000 });
    cluster.start();
    if (node) registry.register(node);
    opened.push({ cluster, voice });
    return { cluster, voice, state, registry };
  }

  function setup() {
    const bus = new QueuedBus();
    const sent: BusMessage[] = [];
    bus.subscribe((m) => sent.push(m));
    const nodeA = new RecordingVoiceNode('voice-a', 'a.voice:443');
    const a = process(bus, 'a', nodeA);
    const b = process(bus, 'b', null);
    const dispatched = (t: string) => sent.filter((m) => m.kind === 'dispatch' && m.t === t).map((m) => (m.kind === 'dispatch' ? m.d : null)) as any[];
    return { bus, sent, nodeA, a, b, dispatched };
  }

  const join = (p: { voice: VoiceStateService }, userId: string, sessionId: string, channelId: string | null, selfMute = false) =>
    p.voice.updateFromGateway(user(userId), sessionId, { guildId: G, channelId, selfMute, selfDeaf: false });

  it('replicates a join to the other process, dispatches once, and grants a join through b on a\'s voice node with a\'s VOICE_SERVER_UPDATE', () => {
    const { a, b, nodeA, dispatched } = setup();
    expect(join(a, 'x', 'sx', 'lobby').status).toBe('joined');
    expect(b.state.guilds.get(G)!.voiceStates.get('x')).toMatchObject({ channelId: 'lobby', home: 'a', nodeId: 'voice-a' });
    expect(join(b, 'y', 'sy', 'lobby').status).toBe('joined');
    expect(a.state.guilds.get(G)!.voiceStates.get('y')).toMatchObject({ channelId: 'lobby', home: 'b', nodeId: 'voice-a' });
    expect(nodeA.grantOf(G, 'y')).toMatchObject({ sessionId: 'sy', channelId: 'lobby' });
    expect(dispatched('VOICE_STATE_UPDATE').map((d) => d.user_id)).toEqual(['x', 'y']);
    expect(dispatched('VOICE_SERVER_UPDATE')).toEqual([
      { token: nodeA.grantOf(G, 'x')!.token, guild_id: G, endpoint: 'a.voice:443' },
      { token: nodeA.grantOf(G, 'y')!.token, guild_id: G, endpoint: 'a.voice:443' },
    ]);
    // A node event about y (home b) on a's node goes to b.
    nodeA.emit({ type: 'connected', serverId: G, userId: 'y', sessionId: 'sy' });
    expect(b.state.guilds.get(G)!.voiceStates.get('y')?.connected).toBe(true);
  });

  it('ends equal on both processes when each changes one state at once (the log decides)', () => {
    const { bus, a, b } = setup();
    join(a, 'x', 'sx', 'lobby');
    bus.held = true;
    join(a, 'x', 'sx', 'lobby', true); // self mute on a
    b.voice.applyMemberPatch(b.state.guilds.get(G)!, 'x', { channel_id: 'other' }); // a move on b
    bus.held = false;
    bus.drain();
    const onA = a.state.guilds.get(G)!.voiceStates.get('x');
    const onB = b.state.guilds.get(G)!.voiceStates.get('x');
    expect(onA).toEqual(onB);
    expect(onA?.channelId).toBe('other');
  });

  it('drops malformed voice bodies and counts them', () => {
    const { bus, a } = setup();
    bus.publish({ kind: 'replica', origin: 'b', topic: 'voice', body: { type: 'state', state: { guildId: G } } });
    bus.publish({ kind: 'replica', origin: 'b', topic: 'voice', body: 'nonsense' });
    expect(a.voice.cluster?.nodes.malformed).toBe(2);
    expect(a.state.guilds.get(G)!.voiceStates.size).toBe(0);
  });

  it('gives a newcomer the states of every process, and a dead process\'s members leave once', () => {
    const { bus, a, b, dispatched } = setup();
    join(a, 'x', 'sx', 'lobby');
    join(b, 'y', 'sy', 'lobby');
    const c = process(bus, 'c', null);
    expect([...c.state.guilds.get(G)!.voiceStates.keys()].sort()).toEqual(['x', 'y']);
    clock += 16_000;
    // b stops beating (SIGKILL): a and c beat on and sweep.
    bus.publish({ kind: 'replica', origin: 'a', topic: 'node', body: { event: 'beat', at: clock } });
    bus.publish({ kind: 'replica', origin: 'c', topic: 'node', body: { event: 'beat', at: clock } });
    a.cluster.sweep();
    c.cluster.sweep();
    expect(a.state.guilds.get(G)!.voiceStates.has('y')).toBe(false);
    expect(c.state.guilds.get(G)!.voiceStates.has('y')).toBe(false);
    expect(dispatched('VOICE_STATE_UPDATE').filter((d) => d.user_id === 'y' && d.channel_id === null)).toHaveLength(1);
  });

  it('moves a member to a live voice node when the process holding its node dies, with one new VOICE_SERVER_UPDATE from its home', () => {
    const bus = new QueuedBus();
    const sent: BusMessage[] = [];
    bus.subscribe((m) => sent.push(m));
    const nodes = { a: new RecordingVoiceNode('voice-a', 'a.voice:443'), b: new RecordingVoiceNode('voice-b', 'b.voice:443') };
    const a = process(bus, 'a', nodes.a);
    const b = process(bus, 'b', nodes.b);
    const c = process(bus, 'c', null);
    join(c, 'x', 'sx', 'lobby');
    const holder = c.state.guilds.get(G)!.voiceStates.get('x')!.nodeId === 'voice-a' ? 'a' : 'b';
    const survivor = holder === 'a' ? b : a;
    const survivorNode = holder === 'a' ? nodes.b : nodes.a;
    const updates = () => sent.filter((m) => m.kind === 'dispatch' && m.t === 'VOICE_SERVER_UPDATE');
    expect(updates()).toHaveLength(1);
    clock += 16_000;
    for (const name of ['a', 'b', 'c'].filter((n) => n !== holder)) bus.publish({ kind: 'replica', origin: name, topic: 'node', body: { event: 'beat', at: clock } });
    survivor.cluster.sweep();
    c.cluster.sweep();
    expect(updates()).toHaveLength(2);
    expect(updates()[1]).toMatchObject({ scope: 's:sx', d: { endpoint: survivorNode.endpoint, token: survivorNode.grantOf(G, 'x')!.token } });
    expect(c.state.guilds.get(G)!.voiceStates.get('x')?.nodeId).toBe(survivorNode.id);
    expect(survivor.state.guilds.get(G)!.voiceStates.get('x')?.nodeId).toBe(survivorNode.id);
  });
});
