// Game detection (issue 18), for the main process, the presence agent and benches: see
// GameDetector.ts for how the pieces fit.
export { createProcessScanner } from './createProcessScanner.ts';
export { DetectableListCache, type RefreshOutcome } from './DetectableListCache.ts';
export { detectedGameActivities } from './detectedGameActivities.ts';
export { GameDetector, type DetectedGame, type GameDetectorOptions, type RunningProgram } from './GameDetector.ts';
export { GameMatcher, type GameMatch } from './GameMatcher.ts';
export { ProcessScanner, type RunningProcess, type ScanStats } from './ProcessScanner.ts';
export { startGameDetection, type StartGameDetectionOptions } from './startGameDetection.ts';
