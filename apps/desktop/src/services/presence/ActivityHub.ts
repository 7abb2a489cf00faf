// Merges the activities of every local source (each game linked over RPC, the game detector, ...)
// into the list this device shares, after the user's settings: activity sharing off shares nothing,
// hidden games (settings.games.hidden, by application id) are left out. Listeners hear the shared
// list only when it changes. Sources keep the order they first appeared in.
import type { ActivityInput } from '@concord/protocol';
import type { ClientSettings } from '../../shared/bridge.ts';
import type { ActivitySink } from '../rpc/RpcSession.ts';

/** What the gateway accepts in one presence update (Discord's limit). */
export const MAX_SHARED_ACTIVITIES = 5;

export type ActivitySettings = Pick<ClientSettings, 'activityPrivacy' | 'games'>;
export type ActivityListener = (activities: readonly ActivityInput[]) => void;

export class ActivityHub implements ActivitySink {
  private readonly sources = new Map<string, readonly ActivityInput[]>();
  private readonly listeners = new Set<ActivityListener>();
  private shared: readonly ActivityInput[] = [];
  private sharedKey = '[]';

  constructor(private settings: ActivitySettings) {}

  /**
   * Replaces what one source reports; an empty list removes the source. `sourceId` is the source's
   * own name: `rpc:<link>:<pid>` for RPC games, e.g. `detected:<application id>` for the detector.
   */
  setSource(sourceId: string, activities: readonly ActivityInput[]): void {
    if (activities.length === 0) this.sources.delete(sourceId);
    else this.sources.set(sourceId, activities);
    this.recompute();
  }

  removeSource(sourceId: string): void {
    this.setSource(sourceId, []);
  }

  setSettings(settings: ActivitySettings): void {
    this.settings = settings;
    this.recompute();
  }

  /** What this device shares now. */
  activities(): readonly ActivityInput[] {
    return this.shared;
  }

  /** Calls `listener` on every change of the shared list; returns the unsubscribe function. */
  onChange(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private recompute(): void {
    const next = this.settings.activityPrivacy.shareActivity ? this.visible() : [];
    const key = JSON.stringify(next);
    if (key === this.sharedKey) return;
    this.shared = next;
    this.sharedKey = key;
    for (const listener of this.listeners) listener(next);
  }

  private visible(): ActivityInput[] {
    const hidden = new Set(this.settings.games.hidden);
    const out: ActivityInput[] = [];
    for (const list of this.sources.values()) {
      for (const activity of list) {
        if (activity.application_id !== undefined && hidden.has(activity.application_id)) continue;
        if (out.length < MAX_SHARED_ACTIVITIES) out.push(activity);
      }
    }
    return out;
  }
}
