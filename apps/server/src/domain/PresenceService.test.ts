import type { APIActivity, APIPresence } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../bus/EventBus.ts';
import { InProcessEventBus } from '../bus/InProcessEventBus.ts';
import { DomainState } from './DomainState.ts';
import { mergeActivities, PresenceService } from './PresenceService.ts';

const game = (name: string, extra: Partial<APIActivity> = {}): APIActivity => ({ name, type: 0, ...extra });

function setup() {
  const state = new DomainState();
  state.userGuilds.set('10', new Set(['100']));
  const bus = new InProcessEventBus();
  const sent: APIPresence[] = [];
  bus.subscribe((m: BusMessage) => {
    if (m.kind === 'dispatch' && m.t === 'PRESENCE_UPDATE') sent.push(m.d);
  });
  return { presence: new PresenceService(state, bus), sent };
}

describe('PresenceService', () => {
  it("merges two sessions' activities with the most present session's first and a status per platform", () => {
    const { presence } = setup();
    presence.setSession('10', 'phone', { status: 'idle', activities: [{ name: 'Custom Status', type: 4, state: 'afk' }], client: 'mobile' });
    presence.setSession('10', 'pc', { status: 'online', activities: [game('Elden Ring', { application_id: '5' })], client: 'desktop' });
    expect(presence.get('10')).toEqual({
      user: { id: '10' },
      status: 'online',
      activities: [game('Elden Ring', { application_id: '5' }), { name: 'Custom Status', type: 4, state: 'afk' }],
      client_status: { desktop: 'online', mobile: 'idle' },
    });
  });

  it('keeps one activity per application, name and type, and one custom status', () => {
    expect(
      mergeActivities([
        [game('Elden Ring', { application_id: '5', details: 'first' }), { name: 'Custom Status', type: 4, state: 'a' }],
        [game('Elden Ring', { application_id: '5', details: 'second' }), game('Elden Ring', { type: 2 }), { name: 'Custom Status', type: 4, state: 'b' }],
      ]),
    ).toEqual([game('Elden Ring', { application_id: '5', details: 'first' }), { name: 'Custom Status', type: 4, state: 'a' }, game('Elden Ring', { type: 2 })]);
  });

  it('leaves out the activities of an invisible session and orders equals by the last update', () => {
    const { presence } = setup();
    presence.setSession('10', 'a', { status: 'online', activities: [game('A')], client: 'web' });
    presence.setSession('10', 'hidden', { status: 'invisible', activities: [game('Secret')], client: 'desktop' });
    presence.setSession('10', 'b', { status: 'online', activities: [game('B')], client: 'desktop' });
    expect(presence.get('10')?.activities.map((a) => a.name)).toEqual(['B', 'A']);
    expect(presence.get('10')?.client_status).toEqual({ desktop: 'online', web: 'online' });
  });

  it('dispatches once per change and drops the activities of a session that ends', () => {
    const { presence, sent } = setup();
    presence.setSession('10', 'a', { status: 'online', activities: [], client: 'web' });
    presence.setSession('10', 'b', { status: 'online', activities: [game('Game')], client: 'desktop' });
    presence.setSession('10', 'b', { status: 'online', activities: [game('Game')], client: 'desktop' });
    presence.removeSession('10', 'b');
    expect(sent.map((p) => [p.activities.map((a) => a.name), p.client_status])).toEqual([
      [[], { web: 'online' }],
      [['Game'], { desktop: 'online', web: 'online' }],
      [[], { web: 'online' }],
    ]);
    presence.removeSession('10', 'a');
    expect(sent.at(-1)).toMatchObject({ status: 'offline', activities: [], client_status: {} });
    expect(presence.get('10')).toBeNull();
  });
});
