import { describe, expect, it } from 'vitest';
import { ACTIVITY_PUSH_CHANNEL, createActivityBridge, type LocalActivity } from './activityBridge.ts';

/** The preload's subscribe over an in-process listener set standing in for ipcRenderer's channel events. */
function pushChannel() {
  const listeners = new Set<(payload: unknown) => void>();
  const subscribe = (_name: typeof ACTIVITY_PUSH_CHANNEL, listener: (payload: unknown) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    subscribe,
    push: (payload: unknown) => {
      for (const listener of listeners) listener(payload);
    },
  };
}

describe('createActivityBridge', () => {
  it('gives a late listener the newest list at once, then every change, until it stops', () => {
    const { subscribe, push } = pushChannel();
    const bridge = createActivityBridge(subscribe, async () => undefined);
    const game: LocalActivity = { name: 'Game', type: 0, application_id: '1' };
    push([game]);
    const heard: LocalActivity[][] = [];
    const stop = bridge.onLocalActivities((list) => heard.push(list));
    push([]);
    stop();
    push([game]);
    expect(heard).toEqual([[game], []]);
  });

  it('ignores a payload that is not a list', () => {
    const { subscribe, push } = pushChannel();
    const bridge = createActivityBridge(subscribe, async () => undefined);
    push({ not: 'a list' });
    const heard: LocalActivity[][] = [];
    bridge.onLocalActivities((list) => heard.push(list));
    expect(heard).toEqual([[]]);
  });
});
