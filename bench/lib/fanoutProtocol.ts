// What the fan-out orchestrator and its load-generator processes say to each other over IPC
// (child_process.fork with serialization 'advanced', so typed arrays cross without JSON).

export interface LoadgenInit {
  type: 'init';
  port: number;
  encoding: 'json' | 'bin';
  tokens: string[];
  messages: number;
  connectConcurrency: number;
  /** Fully decode and check every k-th MESSAGE_CREATE (the others are read by byte search). */
  verifyEvery: number;
}

export type ToLoadgen = LoadgenInit | { type: 'connect' } | { type: 'stats' } | { type: 'mark' } | { type: 'report' } | { type: 'exit' };

export interface LoadgenConnected {
  type: 'connected';
  ready: number;
  failures: number;
  failureReasons: Record<string, number>;
  /** connect start -> READY received, per session, microseconds. */
  readyLatencyUs: Float64Array;
  firstConnectUs: number;
  lastReadyUs: number;
}

export interface LoadgenStats {
  type: 'stats';
  frames: number;
  bytes: number;
  open: number;
}

export interface LoadgenReport {
  type: 'report';
  sessions: number;
  received: number;
  duplicates: number;
  /** Sessions that received fewer than all messages. */
  sessionsMissing: number;
  /** send -> receive per delivery, microseconds (only deliveries that arrived). */
  latencyUs: Float64Array;
  firstReceiveUs: number;
  lastReceiveUs: number;
  verified: number;
  verifyFailures: string[];
  /** Frames by event name (or op:<n>) since the last 'mark'. */
  framesByType: Record<string, number>;
  bytesSinceMark: number;
  closedAfterReady: number;
  closeCodes: Record<string, number>;
  cpuUs: number;
}

export type FromLoadgen = LoadgenConnected | LoadgenStats | LoadgenReport | { type: 'complete'; atUs: number } | { type: 'error'; message: string };

/** "fb" + 4-digit message index + 15-digit CLOCK_MONOTONIC microseconds: 21 characters (Discord allows 25). */
export const NONCE_PREFIX = 'fb';
export const NONCE_INDEX_DIGITS = 4;
export const NONCE_TIME_DIGITS = 15;
export const NONCE_LENGTH = NONCE_PREFIX.length + NONCE_INDEX_DIGITS + NONCE_TIME_DIGITS;

export function makeNonce(index: number, sentUs: number): string {
  return NONCE_PREFIX + String(index).padStart(NONCE_INDEX_DIGITS, '0') + String(sentUs).padStart(NONCE_TIME_DIGITS, '0');
}

export const messageContent = (index: number): string => `fan-out bench message ${index}: the quick brown fox jumps over the lazy dog`;
