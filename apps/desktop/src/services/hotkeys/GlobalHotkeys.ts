// System-wide hotkeys for the desktop's main process: parses the keybind settings, picks the
// backend the session allows (libuiohook on X11, Windows and macOS; the desktop portal's
// GlobalShortcuts on Wayland) and emits one down and one up per action press. Never throws when
// keys cannot be hooked (no display, no portal): the status says why, and the app runs without.
import { parseAccelerator, type Accelerator } from '../../shared/accelerator.ts';
import type { ClientSettings } from '../../shared/bridge.ts';
import { HOTKEY_ACTIONS, type HotkeyAction, type HotkeyEvent, type HotkeysStatus } from '../../shared/hotkeysBridge.ts';
import { HotkeyMatcher } from './HotkeyMatcher.ts';
import { PortalGlobalShortcuts } from './PortalGlobalShortcuts.ts';
import { UiohookKeySource } from './UiohookKeySource.ts';

export type Keybinds = ClientSettings['keybinds'];

export interface TimedHotkeyEvent extends HotkeyEvent {
  /** performance.now() when the hook reported it. */
  atMs: number;
}

export interface GlobalHotkeysOptions {
  onAction: (event: TimedHotkeyEvent) => void;
  onStatus?: (status: HotkeysStatus) => void;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export type HotkeyBackendChoice = { backend: 'uiohook' } | { backend: 'portal' } | { backend: 'none'; reason: string };

/** Which hook this session allows. */
export function chooseHotkeyBackend(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): HotkeyBackendChoice {
  if (platform !== 'linux') return { backend: 'uiohook' };
  if (env['XDG_SESSION_TYPE'] === 'wayland') return { backend: 'portal' };
  if ((env['DISPLAY'] ?? '') === '') return { backend: 'none', reason: 'no X display (DISPLAY is not set): global keys need an X11 session' };
  return { backend: 'uiohook' };
}

/** The settings' accelerators as bindings; unparsable ones are reported, not fatal. */
export function bindingsOf(keybinds: Keybinds, platform: NodeJS.Platform): { bindings: Map<HotkeyAction, Accelerator>; invalid: { action: HotkeyAction; reason: string }[] } {
  const bindings = new Map<HotkeyAction, Accelerator>();
  const invalid: { action: HotkeyAction; reason: string }[] = [];
  for (const action of HOTKEY_ACTIONS) {
    const text = keybinds[action];
    if (text === null) continue;
    const parsed = parseAccelerator(text, platform);
    if (parsed.ok) bindings.set(action, parsed.accelerator);
    else invalid.push({ action, reason: parsed.reason });
  }
  return { bindings, invalid };
}

export class GlobalHotkeys {
  private state: HotkeysStatus = { status: 'stopped' };
  private readonly matcher = new HotkeyMatcher();
  private hook: UiohookKeySource | null = null;
  private portal: PortalGlobalShortcuts | null = null;
  private keybinds: Keybinds | null = null;
  private readonly env: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: GlobalHotkeysOptions) {
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? process.platform;
  }

  get status(): HotkeysStatus {
    return this.state;
  }

  /** Starts the hook with these keybinds; resolves with the status (running or why not). */
  async start(keybinds: Keybinds): Promise<HotkeysStatus> {
    if (this.state.status !== 'stopped') {
      this.setKeybinds(keybinds);
      return this.state;
    }
    this.keybinds = keybinds;
    this.setState({ status: 'starting' });
    const choice = chooseHotkeyBackend(this.env, this.platform);
    switch (choice.backend) {
      case 'none':
        this.setState({ status: 'unavailable', reason: choice.reason });
        break;
      case 'uiohook': {
        const hook = new UiohookKeySource(this.env);
        const started = await hook.start({ keyDown: (code) => this.emit(this.matcher.keyDown(code)), keyUp: (code) => this.emit(this.matcher.keyUp(code)) });
        if (!this.stillStarting()) {
          hook.stop(); // stopped while starting
          break;
        }
        if (!started.ok) {
          this.setState({ status: 'unavailable', reason: started.reason });
          break;
        }
        this.hook = hook;
        this.setState({ status: 'running', backend: 'uiohook', invalid: [] });
        this.rebind();
        break;
      }
      case 'portal': {
        const portal = new PortalGlobalShortcuts((event) => this.emit([event]));
        const started = await portal.start();
        if (!this.stillStarting()) {
          portal.stop();
          break;
        }
        if (!started.ok) {
          this.setState({ status: 'unavailable', reason: started.reason });
          break;
        }
        this.portal = portal;
        this.setState({ status: 'running', backend: 'portal', invalid: [] });
        this.rebind();
        break;
      }
      default:
        throw new Error(`unknown hotkey backend ${JSON.stringify(choice satisfies never)}`);
    }
    return this.state;
  }

  /** New keybinds from the settings: held actions are released, then the new binds apply. */
  setKeybinds(keybinds: Keybinds): void {
    const previous = this.keybinds;
    this.keybinds = keybinds;
    if (previous !== null && HOTKEY_ACTIONS.every((action) => previous[action] === keybinds[action])) return;
    if (this.state.status === 'running') this.rebind();
  }

  /** Releases held actions (their ups are emitted) and unhooks. */
  stop(): void {
    this.emit(this.matcher.releaseAll());
    this.hook?.stop();
    this.hook = null;
    this.portal?.stop();
    this.portal = null;
    this.setState({ status: 'stopped' });
  }

  /** False once stop() ran during an await of start(). */
  private stillStarting(): boolean {
    return this.state.status === 'starting';
  }

  private rebind(): void {
    if (this.keybinds === null || this.state.status !== 'running') return;
    const { bindings, invalid } = bindingsOf(this.keybinds, this.platform);
    this.emit(this.matcher.bind(bindings));
    this.setState({ ...this.state, invalid });
    // The portal binds by action id; the compositor may ask the user to confirm.
    this.portal?.bind(bindings).catch((error: unknown) => this.setState({ status: 'unavailable', reason: `the portal did not bind the shortcuts: ${String(error)}` }));
  }

  private emit(events: readonly HotkeyEvent[]): void {
    const atMs = performance.now();
    for (const event of events) this.options.onAction({ ...event, atMs });
  }

  private setState(next: HotkeysStatus): void {
    this.state = next;
    this.options.onStatus?.(next);
  }
}
