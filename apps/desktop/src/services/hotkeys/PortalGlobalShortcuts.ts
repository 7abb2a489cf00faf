// Global shortcuts on Wayland, where no client may read other clients' keys: the XDG desktop
// portal's org.freedesktop.portal.GlobalShortcuts over the session D-Bus (dbus-next). The
// compositor owns the keys: we ask for a session, bind one shortcut per action with our
// accelerator as the preferred trigger (the user may change it in the compositor's dialog), and
// hear Activated / Deactivated per shortcut id, which are the action's down and up.
// dbus-next is loaded at runtime (not bundled), like uiohook-napi.
import { createRequire } from 'node:module';
import type { Message as DbusMessage, MessageBus } from 'dbus-next';
import { portalTriggerOf, type Accelerator } from '../../shared/accelerator.ts';
import { HOTKEY_ACTIONS, type HotkeyAction, type HotkeyEvent } from '../../shared/hotkeysBridge.ts';
import type { KeySourceStart } from './UiohookKeySource.ts';

const PORTAL = 'org.freedesktop.portal.Desktop';
const PORTAL_PATH = '/org/freedesktop/portal/desktop';
const SHORTCUTS = 'org.freedesktop.portal.GlobalShortcuts';
const REQUEST = 'org.freedesktop.portal.Request';
const RESPONSE_TIMEOUT_MS = 60_000; // BindShortcuts may wait for the user in the compositor's dialog

const ACTION_DESCRIPTIONS: Record<HotkeyAction, string> = {
  pushToTalk: 'Push to talk (hold)',
  pushToMute: 'Push to mute (hold)',
  toggleMute: 'Toggle mute',
  toggleDeafen: 'Toggle deafen',
  toggleOverlayLock: 'Lock or unlock the game overlay',
};

const runtimeRequire = createRequire((import.meta as { url?: string }).url ?? __filename);
type DbusModule = typeof import('dbus-next');

export class PortalGlobalShortcuts {
  private bus: MessageBus | null = null;
  private dbus: DbusModule | null = null;
  private sessionHandle: string | null = null;
  private tokenCounter = 0;
  private readonly responses = new Map<string, (body: unknown[]) => void>();
  private readonly early = new Map<string, unknown[]>();

  constructor(private readonly onEvent: (event: HotkeyEvent) => void) {}

  async start(): Promise<KeySourceStart> {
    try {
      const dbus = runtimeRequire('dbus-next') as DbusModule;
      const bus = dbus.sessionBus();
      bus.on('error', () => undefined); // a dead session bus surfaces through the calls below
      bus.on('message', (message) => this.onMessage(message));
      this.dbus = dbus;
      this.bus = bus;
      await this.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [`type='signal',sender='${PORTAL}'`]);
      const version = await this.call(PORTAL, PORTAL_PATH, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [SHORTCUTS, 'version']).catch(() => null);
      if (version === null) return this.fail('the desktop portal has no GlobalShortcuts (global keys need an X11 session or XWayland)');
      const token = this.nextToken();
      const created = await this.request('CreateSession', 'a{sv}', [{ handle_token: this.variant('s', token), session_handle_token: this.variant('s', `concord_${token}`) }]);
      const handle = readVariantString(created, 'session_handle');
      if (handle === null) return this.fail('the GlobalShortcuts portal refused a session');
      this.sessionHandle = handle;
      return { ok: true };
    } catch (error) {
      return this.fail(`no D-Bus session or desktop portal (${error instanceof Error ? error.message : String(error)}); global keys need an X11 session or XWayland`);
    }
  }

  /** Binds every action with an accelerator; the compositor may show its own confirmation. */
  async bind(bindings: ReadonlyMap<HotkeyAction, Accelerator>): Promise<void> {
    if (this.sessionHandle === null) return;
    const shortcuts = HOTKEY_ACTIONS.flatMap((action) => {
      const accelerator = bindings.get(action);
      if (accelerator === undefined) return [];
      return [[action, { description: this.variant('s', ACTION_DESCRIPTIONS[action]), preferred_trigger: this.variant('s', portalTriggerOf(accelerator)) }]];
    });
    await this.request('BindShortcuts', 'oa(sa{sv})sa{sv}', [this.sessionHandle, shortcuts, '', { handle_token: this.variant('s', this.nextToken()) }]);
  }

  stop(): void {
    this.bus?.disconnect();
    this.bus = null;
    this.sessionHandle = null;
    for (const resolve of this.responses.values()) resolve([2, {}]);
    this.responses.clear();
  }

  private fail(reason: string): KeySourceStart {
    this.stop();
    return { ok: false, reason };
  }

  private onMessage(message: DbusMessage): void {
    if (message.interface === REQUEST && message.member === 'Response') {
      const waiter = this.responses.get(message.path);
      if (waiter === undefined) this.early.set(message.path, message.body);
      else waiter(message.body);
      return;
    }
    if (message.interface !== SHORTCUTS || (message.member !== 'Activated' && message.member !== 'Deactivated')) return;
    const body: readonly unknown[] = message.body;
    const [session, id] = body;
    if (session !== this.sessionHandle || typeof id !== 'string' || !isAction(id)) return;
    this.onEvent({ action: id, phase: message.member === 'Activated' ? 'down' : 'up' });
  }

  /** A portal method that answers with a Request object; resolves with the Response's results. */
  private async request(member: string, signature: string, body: unknown[]): Promise<Record<string, unknown>> {
    const reply = await this.call(PORTAL, PORTAL_PATH, SHORTCUTS, member, signature, body);
    const handle = reply?.[0];
    if (typeof handle !== 'string') throw new Error(`${member}: no request handle`);
    const early = this.early.get(handle);
    this.early.delete(handle);
    const responseBody =
      early ??
      (await new Promise<unknown[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.responses.delete(handle);
          reject(new Error(`${member}: the portal did not answer within ${RESPONSE_TIMEOUT_MS} ms`));
        }, RESPONSE_TIMEOUT_MS);
        this.responses.set(handle, (received) => {
          clearTimeout(timer);
          this.responses.delete(handle);
          resolve(received);
        });
      }));
    const [code, results] = responseBody;
    if (code !== 0) throw new Error(`${member}: the portal answered ${String(code)} (cancelled or refused)`);
    return typeof results === 'object' && results !== null ? (results as Record<string, unknown>) : {};
  }

  private async call(destination: string, path: string, iface: string, member: string, signature: string, body: unknown[]): Promise<unknown[] | null> {
    const bus = this.bus;
    const dbus = this.dbus;
    if (bus === null || dbus === null) throw new Error('not connected');
    const reply = await bus.call(new dbus.Message({ destination, path, interface: iface, member, signature, body }));
    return reply?.body ?? null;
  }

  private variant(signature: string, value: unknown): unknown {
    if (this.dbus === null) throw new Error('not connected');
    return new this.dbus.Variant(signature, value);
  }

  private nextToken(): string {
    this.tokenCounter += 1;
    return `concord${process.pid}_${this.tokenCounter}`;
  }
}

function isAction(id: string): id is HotkeyAction {
  return (HOTKEY_ACTIONS as readonly string[]).includes(id);
}

function readVariantString(results: Record<string, unknown>, key: string): string | null {
  const entry = results[key];
  const value: unknown = typeof entry === 'object' && entry !== null && 'value' in entry ? entry.value : entry;
  return typeof value === 'string' ? value : null;
}
