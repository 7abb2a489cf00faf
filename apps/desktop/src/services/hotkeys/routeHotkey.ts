// Where each global hotkey goes in the desktop app. Push-to-talk drives the native voice pipeline
// in this process directly (no round trip through the renderer while a game has focus) and is also
// told to the renderer (its WebRTC engine, when that is the engine in use). Mute, deafen and
// push-to-mute belong to the renderer's voice store; the overlay lock to the overlay window.
import type { HotkeyEvent } from '../../shared/hotkeysBridge.ts';

export interface HotkeyTargets {
  /** VoicePipelineHost.setPushToTalk. */
  setPushToTalk(down: boolean): void;
  /** Sends the event to the app window's renderer (bridge.hotkeys.onAction). */
  toRenderer(event: HotkeyEvent): void;
  /** OverlayController: interactive <-> click-through. */
  toggleOverlayLock(): void;
}

export function routeHotkey(event: HotkeyEvent, targets: HotkeyTargets): void {
  switch (event.action) {
    case 'pushToTalk':
      targets.setPushToTalk(event.phase === 'down');
      targets.toRenderer(event);
      return;
    case 'pushToMute':
    case 'toggleMute':
    case 'toggleDeafen':
      targets.toRenderer(event);
      return;
    case 'toggleOverlayLock':
      if (event.phase === 'down') targets.toggleOverlayLock();
      return;
    default:
      throw new Error(`unrouted hotkey ${JSON.stringify(event.action satisfies never)}`);
  }
}
