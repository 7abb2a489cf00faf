// The contract between the renderer and the platform it runs on. In Electron the preload script
// exposes it as `window.concord` (one typed method per capability, never ipcRenderer itself); in a
// browser the renderer builds a web implementation (in-memory/IndexedDB cache, Notification API).
import type { APIMessage } from '@concord/protocol';
import type { DesktopActivityBridge } from './activityBridge.ts';
import type { DesktopGamesBridge } from './gamesBridge.ts';
import type { DesktopScreenCaptureBridge } from './screenCaptureBridge.ts';
import type { DesktopHotkeysBridge, DesktopOverlayBridge } from './hotkeysBridge.ts';
import type { DesktopVoiceBridge } from './voiceBridge.ts';

export interface CacheStats {
  sizeBytes: number;
  maxBytes: number;
  messageCount: number;
  channelCount: number;
}

export interface ClientSettings {
  theme: 'dark' | 'light';
  cacheMaxBytes: number;
  notifications: { mentions: boolean; directMessages: boolean; sound: boolean };
  activityPrivacy: { shareActivity: boolean };
  /**
   * Global shortcuts as Electron-style accelerators (`Ctrl+Shift+M`, `` Shift+` ``). Desktop: held
   * anywhere through the global key hook; web: while the page has focus.
   */
  keybinds: {
    pushToTalk: string | null;
    toggleMute: string | null;
    toggleDeafen: string | null;
    /** Held: the microphone sends nothing (the opposite of push-to-talk). */
    pushToMute: string | null;
    /** Locks and unlocks the game overlay (interactive chat when unlocked). */
    toggleOverlayLock: string | null;
  };
  /** Games the user registered by hand and detected games they chose to hide (desktop and presence agent). */
  games: {
    /** Programs added by hand in Registered Games: shown as Playing `name` while `executable` runs. */
    registered: { name: string; executable: string }[];
    /** Detectable application ids (or registered executables) never shown as an activity. */
    hidden: string[];
  };
  /** The in-game overlay (desktop). */
  overlay: {
    enabled: boolean;
    /** Detectable application ids (or registered executables) the overlay stays off for. */
    disabledGames: string[];
    notifications: boolean;
  };
  voice: { inputDeviceId: string | null; outputDeviceId: string | null; inputVolume: number; outputVolume: number };
  /** How the microphone is processed and gated (a section of its own, so stored `voice` sections stay valid). */
  voiceInput: {
    mode: 'voiceActivity' | 'pushToTalk';
    /** null = automatic sensitivity (adaptive noise floor); else the dBFS threshold. */
    sensitivityDb: number | null;
    /** Push-to-talk stays open this long after the key is released. */
    pttReleaseDelayMs: number;
    echoCancellation: boolean;
    noiseSuppression: boolean;
    /** RNNoise in an AudioWorklet on the microphone (beside the browser's own noise suppression). */
    rnnoise: boolean;
    autoGainControl: boolean;
  };
  compactMode: boolean;
}

export interface DesktopBridge {
  readonly kind: 'desktop' | 'web';
  readonly platform: string;
  readonly version: string;
  cache: {
    /**
     * Newest `limit` cached messages of a channel, oldest first. `before` (optional, added after
     * the first version of this contract) pages back through cached history offline.
     */
    getMessages(channelId: string, limit: number, options?: { before?: string }): Promise<APIMessage[]>;
    /** Inserts or replaces messages (a page seen from the server, or a live event). */
    putMessages(channelId: string, messages: APIMessage[]): Promise<void>;
    deleteMessages(channelId: string, messageIds: string[]): Promise<void>;
    stats(): Promise<CacheStats>;
    setMaxBytes(maxBytes: number): Promise<CacheStats>;
    /** Wipes everything (logout). */
    clear(): Promise<void>;
  };
  settings: {
    get(): Promise<ClientSettings>;
    set(patch: Partial<ClientSettings>): Promise<ClientSettings>;
  };
  notifications: {
    show(notification: { title: string; body: string; channelId: string }): Promise<void>;
  };
  window: {
    isFocused(): Promise<boolean>;
    setBadgeCount(count: number): Promise<void>;
  };
  /** The desktop's native voice pipeline; absent (the web build) reads as `native: false`: use WebRTC. */
  readonly voice?: DesktopVoiceBridge;
  /** This device's games (desktop: local RPC and detection); absent in the web build. */
  readonly activity?: DesktopActivityBridge;
  /** Desktop only: global hotkeys and the game overlay (shared/hotkeysBridge.ts); absent on the web. */
  readonly hotkeys?: DesktopHotkeysBridge;
  readonly overlay?: DesktopOverlayBridge;
  /** Desktop only: game detection for the Registered Games page (shared/gamesBridge.ts); absent on the web. */
  readonly games?: DesktopGamesBridge;
  /** Desktop only: screens and windows for Go Live (shared/screenCaptureBridge.ts); absent on the web (getDisplayMedia). */
  readonly screenCapture?: DesktopScreenCaptureBridge;
}

export const DEFAULT_SETTINGS: ClientSettings = {
  theme: 'dark',
  cacheMaxBytes: 500 * 1024 * 1024,
  notifications: { mentions: true, directMessages: true, sound: true },
  activityPrivacy: { shareActivity: true },
  keybinds: { pushToTalk: null, toggleMute: 'Ctrl+Shift+M', toggleDeafen: 'Ctrl+Shift+D', pushToMute: null, toggleOverlayLock: 'Shift+`' },
  games: { registered: [], hidden: [] },
  overlay: { enabled: true, disabledGames: [], notifications: true },
  voice: { inputDeviceId: null, outputDeviceId: null, inputVolume: 100, outputVolume: 100 },
  voiceInput: { mode: 'voiceActivity', sensitivityDb: null, pttReleaseDelayMs: 20, echoCancellation: true, noiseSuppression: true, rnnoise: false, autoGainControl: true },
  compactMode: false,
};
