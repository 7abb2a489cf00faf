// Picks the platform bridge once: Electron's preload exposes `window.concord`; a browser gets the
// web implementation. Everything in the renderer reaches the platform through `getBridge()`.
import type { DesktopBridge } from '../../shared/bridge.ts';
import { createWebBridge } from './webBridge.ts';

declare global {
  interface Window {
    concord?: DesktopBridge;
  }
}

let bridge: DesktopBridge | null = null;

export function getBridge(): DesktopBridge {
  if (!bridge) bridge = (typeof window !== 'undefined' && window.concord) || createWebBridge();
  return bridge;
}

/** Tests and benchmarks swap the bridge before the app starts. */
export function setBridge(next: DesktopBridge): void {
  bridge = next;
}
