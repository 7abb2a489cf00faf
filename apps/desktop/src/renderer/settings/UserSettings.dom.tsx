// User settings: account, profile, appearance (theme), voice & video devices, keybinds,
// notifications, activity privacy and the local cache size; the developer portal (applications
// and bots); log out at the bottom.
import { useEffect, useState } from 'react';
import type { ClientSettings } from '../../shared/bridge.ts';
import type { CacheStats } from '../../shared/bridge.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore, type UserSettingsTab } from '../state/uiStore.ts';
import { getBridge } from '../bridge/bridge.ts';
import { endSession } from '../session/ConcordSession.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { formatBytes } from '../ui/format.ts';
import { colorForId } from '../ui/avatar.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { SaveBar, SettingsLayout, SwitchRow } from '../ui/SettingsLayout.dom.tsx';
import { ChangePassword } from './ChangePassword.dom.tsx';
import { DeveloperPortal } from '../bots/DeveloperPortal.dom.tsx';
import type { HotkeysStatus } from '../../shared/hotkeysBridge.ts';
import { OverlaySettings } from './OverlaySettings.dom.tsx';
import { RegisteredGames } from './RegisteredGames.dom.tsx';
import { VoiceSettings } from '../voice/VoiceSettings.dom.tsx';
import { useKeybindRecorder } from '../voice/useKeybindRecorder.dom.ts';
import { useMediaDevices } from '../voice/useMediaDevices.dom.ts';
import { NitroSettings } from '../premium/NitroSettings.dom.tsx';
import { InstanceAdmin } from '../premium/InstanceAdmin.dom.tsx';
import { ProfileMedia } from '../premium/ProfileMedia.dom.tsx';
import { useInstanceAdmin } from '../premium/useInstanceAdmin.ts';

function toast(text: string) {
  useUiStore.getState().showToast(text);
}

async function updateSettings(patch: Partial<ClientSettings>): Promise<void> {
  const next = await getBridge().settings.set(patch);
  useUiStore.getState().setSettings(next);
}

export function UserSettings({ tab }: { tab: UserSettingsTab }) {
  const instanceAdmin = useInstanceAdmin();
  const setTab = (t: UserSettingsTab) => useUiStore.getState().openModal({ kind: 'userSettings', tab: t });
  return (
    <SettingsLayout<UserSettingsTab | 'logout'>
      heading="User Settings"
      testId="user-settings"
      selected={tab}
      onSelect={(t) => t !== 'logout' && setTab(t)}
      sections={[
        { id: 'account', label: 'My Account' },
        { id: 'profile', label: 'Profiles' },
        { id: 'nitro', label: 'Nitro' },
        ...(instanceAdmin ? [{ id: 'admin' as const, label: 'Instance Admin' }] : []),
        'separator',
        { title: 'App Settings' },
        { id: 'appearance', label: 'Appearance' },
        { id: 'voice', label: 'Voice & Video' },
        { id: 'keybinds', label: 'Keybinds' },
        { id: 'overlay', label: 'Game Overlay' },
        { id: 'notifications', label: 'Notifications' },
        { id: 'activity', label: 'Activity Privacy' },
        { id: 'games', label: 'Registered Games' },
        { id: 'advanced', label: 'Advanced' },
        'separator',
        { title: 'Developer' },
        { id: 'applications', label: 'Applications' },
        'separator',
        {
          id: 'logout',
          label: 'Log Out',
          danger: true,
          onClick: () =>
            useUiStore.getState().openModal({
              kind: 'confirm',
              title: 'Log Out',
              body: 'Are you sure you want to log out? Cached messages on this device will be removed.',
              confirmLabel: 'Log Out',
              danger: true,
              onConfirm: () => void endSession(null),
            }),
        },
      ]}
    >
      {tab === 'account' ? <Account /> : null}
      {tab === 'profile' ? <Profile /> : null}
      {tab === 'appearance' ? <Appearance /> : null}
      {tab === 'voice' ? <VoiceVideo /> : null}
      {tab === 'keybinds' ? <Keybinds /> : null}
      {tab === 'overlay' ? <OverlaySettings update={(patch) => void updateSettings(patch)} /> : null}
      {tab === 'notifications' ? <Notifications /> : null}
      {tab === 'activity' ? <ActivityPrivacy /> : null}
      {tab === 'games' ? <RegisteredGames /> : null}
      {tab === 'advanced' ? <Advanced /> : null}
      {tab === 'applications' ? <DeveloperPortal /> : null}
      {tab === 'nitro' ? <NitroSettings /> : null}
      {tab === 'admin' && instanceAdmin ? <InstanceAdmin /> : null}
    </SettingsLayout>
  );
}

function Account() {
  const user = useSessionStore((s) => s.user);
  if (!user) return null;
  const name = user.global_name || user.username;
  return (
    <>
      <h2>My Account</h2>
      <div className="account-card" data-testid="account-card">
        <div className="banner-strip" style={{ background: colorForId(user.id) }} />
        <div className="acc-head">
          <Avatar id={user.id} name={name} size={80} status="online" />
          <div className="acc-name">{name}</div>
          <button className="btn small" style={{ marginLeft: 'auto', marginBottom: 4 }} onClick={() => useUiStore.getState().openModal({ kind: 'userSettings', tab: 'profile' })}>
            Edit User Profile
          </button>
        </div>
        <div className="acc-body">
          <div className="kv">
            <div>
              <div className="k">Display name</div>
              <div className="v">{name}</div>
            </div>
          </div>
          <div className="kv">
            <div>
              <div className="k">Username</div>
              <div className="v">{user.username}</div>
            </div>
          </div>
          <div className="kv">
            <div>
              <div className="k">Email</div>
              <div className="v">{user.email ?? 'You have not added an email.'}</div>
            </div>
          </div>
        </div>
      </div>
      <div className="divider" />
      <ChangePassword />
      <div className="divider" />
      <h3>Account Removal</h3>
      <p style={{ color: 'var(--text-muted)', fontSize: 14 }}>Logging out removes this device&apos;s cached messages and drafts.</p>
      <button className="btn danger" onClick={() => void endSession(null)} data-testid="logout-button">
        Log Out
      </button>
    </>
  );
}

function Profile() {
  const user = useSessionStore((s) => s.user);
  const [globalName, setGlobalName] = useState(user?.global_name ?? '');
  const [bio, setBio] = useState(user?.bio ?? '');
  const [busy, setBusy] = useState(false);
  if (!user) return null;
  const dirty = globalName !== (user.global_name ?? '') || bio !== (user.bio ?? '');
  const save = async () => {
    setBusy(true);
    try {
      const updated = await getSession().api.modifyMe({ global_name: globalName || null, bio });
      useSessionStore.getState().setUser(updated);
      toast('Profile saved');
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>Profiles</h2>
      <div style={{ display: 'flex', gap: 32 }}>
        <div style={{ flex: 1 }}>
          <div className="field">
            <label htmlFor="p-name">Display name</label>
            <input id="p-name" className="input" value={globalName} maxLength={32} onChange={(e) => setGlobalName(e.target.value)} placeholder={user.username} />
          </div>
          <div className="field">
            <label htmlFor="p-bio">About me</label>
            <textarea id="p-bio" className="input" value={bio} maxLength={190} onChange={(e) => setBio(e.target.value)} />
            <div className="hint">You can use markdown and links if you&apos;d like.</div>
          </div>
        </div>
        <div className="account-card" style={{ width: 300, alignSelf: 'flex-start' }}>
          <div className="banner-strip" style={{ background: colorForId(user.id), height: 60 }} />
          <div className="acc-head" style={{ marginTop: -30 }}>
            <Avatar id={user.id} name={globalName || user.username} size={64} status="online" />
          </div>
          <div className="acc-body" style={{ gap: 8 }}>
            <div style={{ fontWeight: 700, fontSize: 18, color: 'var(--text-strong)' }}>{globalName || user.username}</div>
            <div style={{ fontSize: 14 }}>{user.username}</div>
            {bio ? <div style={{ fontSize: 14, color: 'var(--text-muted)', whiteSpace: 'pre-wrap' }}>{bio}</div> : null}
          </div>
        </div>
      </div>
      <ProfileMedia />
      {dirty ? <SaveBar busy={busy} onSave={() => void save()} onReset={() => { setGlobalName(user.global_name ?? ''); setBio(user.bio ?? ''); }} /> : null}
    </>
  );
}

function Appearance() {
  const settings = useUiStore((s) => s.settings);
  return (
    <>
      <h2>Appearance</h2>
      <h3>Theme</h3>
      <div className="theme-choices" role="radiogroup" aria-label="Theme">
        {(['dark', 'light'] as const).map((t) => (
          <div key={t} style={{ textAlign: 'center' }}>
            <button
              className={`theme-choice ${settings.theme === t ? 'selected' : ''}`}
              style={{ background: t === 'dark' ? '#313338' : '#ffffff' }}
              role="radio"
              aria-checked={settings.theme === t}
              aria-label={t === 'dark' ? 'Dark' : 'Light'}
              data-testid={`theme-${t}`}
              onClick={() => void updateSettings({ theme: t })}
            />
            <div style={{ fontSize: 14, marginTop: 6 }}>{t === 'dark' ? 'Dark' : 'Light'}</div>
          </div>
        ))}
      </div>
      <div className="divider" />
      <h3>Message display</h3>
      <SwitchRow label="Compact mode" description="Fit more messages on screen at one time." on={settings.compactMode} onChange={(v) => void updateSettings({ compactMode: v })} />
    </>
  );
}

function VoiceVideo() {
  // Listed again whenever a device comes or goes (devicechange).
  const { devices, error } = useMediaDevices();
  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const label = (d: MediaDeviceInfo, i: number) => d.label || `Camera ${i + 1}`;
  return (
    <>
      <h2>Voice Settings</h2>
      {error ? <div className="form-error">{error}</div> : null}
      <VoiceSettings devices={devices} update={(patch) => void updateSettings(patch)} />
      <div className="divider" />
      <h2>Video Settings</h2>
      <div className="field">
        <label>Camera</label>
        <select className="input" defaultValue="">
          <option value="">{cameras.length ? 'Default' : 'No camera found'}</option>
          {cameras.map((d, i) => (
            <option key={d.deviceId || i} value={d.deviceId}>
              {label(d, i)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

const KEYBIND_ACTIONS: { id: keyof ClientSettings['keybinds']; label: string; desc: string }[] = [
  { id: 'pushToTalk', label: 'Push to Talk', desc: 'Hold to transmit your voice (Input Mode: Push to Talk in Voice & Video).' },
  { id: 'pushToMute', label: 'Push to Mute', desc: 'Hold to mute your microphone; releasing unmutes.' },
  { id: 'toggleMute', label: 'Toggle Mute', desc: 'Mute or unmute your microphone.' },
  { id: 'toggleDeafen', label: 'Toggle Deafen', desc: 'Deafen or undeafen yourself.' },
  { id: 'toggleOverlayLock', label: 'Toggle Overlay Lock', desc: 'Unlock the game overlay to chat and click in it; press again to lock it.' },
];

/** Where global keys stand on this device, in words. */
function hotkeysNotice(kind: 'desktop' | 'web', status: HotkeysStatus | null): string {
  if (kind === 'web') return 'In the browser, keybinds work only while this page has focus. The desktop app listens for them while you are in a game.';
  if (status === null || status.status === 'starting') return 'Checking global keybinds…';
  switch (status.status) {
    case 'running':
      return status.backend === 'portal'
        ? 'Keybinds work in any app through your desktop’s global shortcuts (it may ask you to confirm them).'
        : 'Keybinds work in any app, including games.';
    case 'unavailable':
      return `Keybinds work only while Concord has focus: ${status.reason}.`;
    case 'stopped':
      return 'Global keybinds are off.';
    default:
      return missingStatus(status);
  }
}

function missingStatus(status: never): never {
  throw new Error(`unknown hotkeys status ${JSON.stringify(status)}`);
}

function Keybinds() {
  const settings = useUiStore((s) => s.settings);
  // The same physical-key recorder as Voice & Video's push-to-talk field.
  const recorder = useKeybindRecorder<keyof ClientSettings['keybinds']>((action, combo) => void updateSettings({ keybinds: { ...settings.keybinds, [action]: combo } }));
  const recording = recorder.target;
  const held = recorder.held;
  const setRecording = recorder.record;
  const [status, setStatus] = useState<HotkeysStatus | null>(null);
  const bridge = getBridge();
  useEffect(() => {
    bridge.hotkeys?.status().then(setStatus).catch((e: unknown) => setStatus({ status: 'unavailable', reason: errorText(e) }));
  }, [bridge, settings.keybinds]);
  return (
    <>
      <h2>Keybinds</h2>
      <div className="card" data-testid="keybinds-notice" style={{ marginBottom: 16 }}>
        {hotkeysNotice(bridge.kind, status)}
        {status?.status === 'running' && status.invalid.length > 0 ? <div className="form-error">{status.invalid.map((i) => `${i.action}: ${i.reason}`).join('; ')}</div> : null}
      </div>
      {KEYBIND_ACTIONS.map((a) => (
        <div className="switch-row" key={a.id} data-testid={`keybind-${a.id}`}>
          <div>
            <div className="sl">{a.label}</div>
            <div className="sd">{a.desc}</div>
          </div>
          <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
            <span className="keybind" style={recording === a.id ? { outline: '2px solid var(--red)' } : undefined}>
              {recording === a.id ? (held === '' ? 'Press keys…' : `${held}+…`) : (settings.keybinds[a.id] ?? 'No keybind set')}
            </span>
            <button className="btn secondary small" onClick={() => setRecording(recording === a.id ? null : a.id)}>
              {recording === a.id ? 'Stop' : 'Edit'}
            </button>
            {settings.keybinds[a.id] ? (
              <button className="btn link small" onClick={() => void updateSettings({ keybinds: { ...settings.keybinds, [a.id]: null } })}>
                Clear
              </button>
            ) : null}
          </span>
        </div>
      ))}
      <h3>Built in</h3>
      {[
        ['Ctrl+K', 'Quick switcher'],
        ['Alt+↑ / Alt+↓', 'Previous / next channel'],
        ['↑ in an empty composer', 'Edit your last message'],
        ['Shift+Enter', 'New line'],
        ['Esc', 'Close a modal, cancel a reply or an edit'],
      ].map(([k, d]) => (
        <div className="switch-row" key={k}>
          <div className="sl" style={{ fontWeight: 400 }}>{d}</div>
          <span className="keybind">{k}</span>
        </div>
      ))}
    </>
  );
}

function Notifications() {
  const settings = useUiStore((s) => s.settings);
  const n = settings.notifications;
  const [permission, setPermission] = useState(typeof Notification !== 'undefined' ? Notification.permission : 'denied');
  const set = (patch: Partial<ClientSettings['notifications']>) => void updateSettings({ notifications: { ...n, ...patch } });
  return (
    <>
      <h2>Notifications</h2>
      {getBridge().kind === 'web' && permission !== 'granted' ? (
        <div className="card" style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <span>Desktop notifications are {permission === 'denied' ? 'blocked by the browser' : 'not enabled yet'}.</span>
          {permission === 'default' ? (
            <button className="btn small" onClick={() => void Notification.requestPermission().then(setPermission)}>
              Enable
            </button>
          ) : null}
        </div>
      ) : null}
      <SwitchRow label="Mentions" description="Show a desktop notification when someone mentions you while Concord is in the background." on={n.mentions} onChange={(v) => set({ mentions: v })} testId="notif-mentions" />
      <SwitchRow label="Direct messages" description="Show a desktop notification for new direct messages." on={n.directMessages} onChange={(v) => set({ directMessages: v })} />
      <SwitchRow label="Sounds" description="Play a sound with notifications." on={n.sound} onChange={(v) => set({ sound: v })} />
    </>
  );
}

function ActivityPrivacy() {
  const settings = useUiStore((s) => s.settings);
  return (
    <>
      <h2>Activity Privacy</h2>
      <SwitchRow
        label="Share your detected activities with others"
        description="Concord will automatically update your status when you open a game (desktop app) and show it as “Playing …” to people in your servers."
        on={settings.activityPrivacy.shareActivity}
        onChange={(v) => void updateSettings({ activityPrivacy: { shareActivity: v } })}
      />
    </>
  );
}

const CACHE_SIZES = [100, 250, 500, 1024, 2048].map((mb) => mb * 1024 * 1024);

function Advanced() {
  const settings = useUiStore((s) => s.settings);
  const [stats, setStats] = useState<CacheStats | null>(null);
  const refresh = () => getBridge().cache.stats().then(setStats).catch((e: unknown) => toast(errorText(e)));
  useEffect(() => {
    void refresh();
  }, []);
  const bridge = getBridge();
  return (
    <>
      <h2>Advanced</h2>
      <h3>Message cache</h3>
      <p style={{ color: 'var(--text-muted)', fontSize: 14, marginTop: 0 }}>
        Concord keeps the newest messages you have seen on this device so channels open instantly and history stays readable offline.
        {bridge.kind === 'web' ? ' In the browser the cache lives in memory for this tab.' : ''}
      </p>
      {stats ? (
        <div className="card" data-testid="cache-stats">
          <div className="kv" style={{ marginBottom: 8 }}>
            <span className="k">Used</span>
            <span className="v">
              {formatBytes(stats.sizeBytes)} of {formatBytes(stats.maxBytes)} · {stats.messageCount} messages in {stats.channelCount} channels
            </span>
          </div>
          <div className="meter">
            <div style={{ width: `${Math.min(100, (stats.sizeBytes / Math.max(1, stats.maxBytes)) * 100)}%` }} />
          </div>
        </div>
      ) : null}
      <div className="field" style={{ marginTop: 16 }}>
        <label htmlFor="cache-size">Maximum cache size</label>
        <select
          id="cache-size"
          className="input"
          value={settings.cacheMaxBytes}
          data-testid="cache-size"
          onChange={(e) => {
            const bytes = Number(e.target.value);
            void (async () => {
              await updateSettings({ cacheMaxBytes: bytes });
              setStats(await bridge.cache.setMaxBytes(bytes));
            })();
          }}
        >
          {[...new Set([...CACHE_SIZES, settings.cacheMaxBytes])].sort((a, b) => a - b).map((b) => (
            <option key={b} value={b}>
              {formatBytes(b)}
            </option>
          ))}
        </select>
        <div className="hint">When the cache is full the oldest messages are removed first.</div>
      </div>
      <button className="btn secondary" onClick={() => void bridge.cache.clear().then(refresh)}>
        Clear cache
      </button>
      <div className="divider" />
      <h3>About</h3>
      <div style={{ fontSize: 14, color: 'var(--text-muted)' }}>
        Concord {bridge.version} · {bridge.kind === 'desktop' ? 'Desktop' : 'Web'} · {bridge.platform}
      </div>
    </>
  );
}
