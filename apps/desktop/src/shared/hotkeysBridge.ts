// The global hotkeys part of the DesktopBridge. The desktop's main process owns the system-wide
// key hook (services/hotkeys); the renderer hears the actions it must carry out itself (toggle
// mute/deafen live in its voice store; push-to-talk for the WebRTC engine). Absent in the web
// build: there keys work only while the page has focus (the voice controller's own listeners).
import type { ClientSettings } from './bridge.ts';

export type HotkeyAction = keyof ClientSettings['keybinds'];

export const HOTKEY_ACTIONS: readonly HotkeyAction[] = ['pushToTalk', 'pushToMute', 'toggleMute', 'toggleDeafen', 'toggleOverlayLock'];

/** Held actions have a meaningful key-up (push-to-talk/-mute); the others act on key-down. */
export const HELD_HOTKEY_ACTIONS: ReadonlySet<HotkeyAction> = new Set(['pushToTalk', 'pushToMute']);

export interface HotkeyEvent {
  action: HotkeyAction;
  phase: 'down' | 'up';
}

/** Where the global key hook stands, as the Keybinds page shows it. */
export type HotkeysStatus =
  | { status: 'stopped' }
  | { status: 'starting' }
  | { status: 'running'; backend: 'uiohook' | 'portal'; invalid: { action: HotkeyAction; reason: string }[] }
  | { status: 'unavailable'; reason: string };

export interface DesktopHotkeysBridge {
  /** Calls back for every global hotkey down/up; returns the unsubscribe. */
  onAction(callback: (event: HotkeyEvent) => void): () => void;
  status(): Promise<HotkeysStatus>;
}

/** Main -> renderer push channel (webContents.send); not an invoke channel. */
export const HOTKEY_EVENT_CHANNEL = 'concord:hotkeys:action';

/** The game the overlay is shown over (from the game detector). */
export interface OverlayGame {
  id: string;
  name: string;
}

/** What the overlay window is told by main: its mode, the game, and who speaks (relayed from the app window). */
export interface OverlayState {
  /** Unlocked by the lock hotkey: focusable, takes the mouse, shows the chat. */
  interactive: boolean;
  game: OverlayGame | null;
  /** User ids speaking now in the app window's voice connection (only it hears the voice gateway). */
  speaking: string[];
}

export interface DesktopOverlayBridge {
  /** The overlay window: its state now and after every change; returns the unsubscribe. */
  onState(callback: (state: OverlayState) => void): () => void;
  /** The app window: who is speaking, for the overlay (sent on every change). */
  publishSpeaking(userIds: string[]): Promise<void>;
  /** The overlay's own lock button (the same as the hotkey). */
  setInteractive(interactive: boolean): Promise<void>;
}

/** Main -> overlay window push channel. */
export const OVERLAY_STATE_CHANNEL = 'concord:overlay:state';

/** The renderer's hash route for the overlay window (main loads the same build with it). */
export const OVERLAY_ROUTE_HASH = '#/overlay';
