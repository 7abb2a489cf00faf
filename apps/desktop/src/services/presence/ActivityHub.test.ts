import type { ActivityInput } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { ActivityHub, MAX_SHARED_ACTIVITIES } from './ActivityHub.ts';

const game = (name: string, applicationId?: string): ActivityInput => ({ name, type: 0, ...(applicationId === undefined ? {} : { application_id: applicationId }) });

describe('ActivityHub', () => {
  it('merges sources in the order they appeared and tells listeners only about changes', () => {
    const hub = new ActivityHub(DEFAULT_SETTINGS);
    const heard: string[][] = [];
    hub.onChange((list) => heard.push(list.map((a) => a.name)));
    hub.setSource('rpc:1:1', [game('A')]);
    hub.setSource('detected:2', [game('B')]);
    hub.setSource('rpc:1:1', [game('A')]);
    hub.setSource('rpc:1:1', [game('A2')]);
    hub.removeSource('detected:2');
    expect(heard).toEqual([['A'], ['A', 'B'], ['A2', 'B'], ['A2']]);
  });

  it('shares nothing with activity sharing off, and everything again when it is back on', () => {
    const hub = new ActivityHub(DEFAULT_SETTINGS);
    hub.setSource('rpc:1:1', [game('A')]);
    hub.setSettings({ ...DEFAULT_SETTINGS, activityPrivacy: { shareActivity: false } });
    expect(hub.activities()).toEqual([]);
    hub.setSource('rpc:2:1', [game('B')]);
    expect(hub.activities()).toEqual([]);
    hub.setSettings(DEFAULT_SETTINGS);
    expect(hub.activities().map((a) => a.name)).toEqual(['A', 'B']);
  });

  it('leaves out hidden games by application id and keeps at most five', () => {
    const hub = new ActivityHub({ ...DEFAULT_SETTINGS, games: { registered: [], hidden: ['77'] } });
    hub.setSource('rpc:1:1', [game('Hidden', '77')]);
    for (let i = 0; i < 7; i++) hub.setSource(`s${i}`, [game(`G${i}`, String(i))]);
    expect(hub.activities().map((a) => a.name)).toEqual(['G0', 'G1', 'G2', 'G3', 'G4']);
    expect(hub.activities()).toHaveLength(MAX_SHARED_ACTIVITIES);
  });
});
