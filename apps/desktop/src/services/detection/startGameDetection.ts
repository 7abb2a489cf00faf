// Starts game detection for the desktop's main process (or the presence agent): this platform's
// scanner, the server's detectable list cached at `<dataDir>/detectable.json`, the games settings.
// Without a server URL the detector matches the cached list (if any) and registered programs until
// detector.setListServer(url) names one (the desktop: when someone signs in).
import { join } from 'node:path';
import type { ClientSettings } from '../../shared/bridge.ts';
import { createProcessScanner } from './createProcessScanner.ts';
import { DetectableListCache } from './DetectableListCache.ts';
import { GameDetector } from './GameDetector.ts';

export interface StartGameDetectionOptions {
  /** The server's origin; null when the app does not know it (the cached list is used). */
  serverUrl: string | null;
  /** Where the list cache lives (the app's user data directory). */
  dataDir: string;
  games: () => ClientSettings['games'];
  warn: (message: string) => void;
}

/** The running detector, or null (reported through `warn`) when this system's process list cannot be read. */
export async function startGameDetection(options: StartGameDetectionOptions): Promise<GameDetector | null> {
  const cacheFile = join(options.dataDir, 'detectable.json');
  const list = new DetectableListCache({ serverUrl: options.serverUrl, cacheFile, warn: options.warn });
  let scanner;
  try {
    scanner = await createProcessScanner();
  } catch (error) {
    options.warn(`game detection unavailable: ${String(error)}`);
    return null;
  }
  const detector = new GameDetector({ scanner, games: options.games, warn: options.warn, list });
  detector.start();
  return detector;
}
