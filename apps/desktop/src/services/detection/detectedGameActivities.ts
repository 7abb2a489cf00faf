// Detected games as the activities a presence update carries: type 0 (Playing), the game's name,
// its detectable application id, and when it was first seen. Pure; hidden games are left out.
import type { ActivityInput } from '@concord/protocol';
import type { DetectedGame } from './GameDetector.ts';

/** The presence hub's source id for detected games (RPC links use their own ids). */
export const DETECTED_GAMES_SOURCE = 'detected';

export function detectedGameActivities(games: readonly DetectedGame[]): ActivityInput[] {
  return games
    .filter((g) => !g.hidden)
    .map((g) => ({
      name: g.name,
      type: 0,
      ...(g.applicationId === null ? {} : { application_id: g.applicationId }),
      timestamps: { start: g.startedAt },
    }));
}
