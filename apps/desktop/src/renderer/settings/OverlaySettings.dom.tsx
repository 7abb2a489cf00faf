// User Settings > Game Overlay: the overlay on or off, its message notifications, and the games it
// stays off for (registered programs by executable, detected games by application id, both as the
// settings store them in overlay.disabledGames). Desktop only; the web build says so.
import { useState } from 'react';
import type { ClientSettings } from '../../shared/bridge.ts';
import { getBridge } from '../bridge/bridge.ts';
import { useUiStore } from '../state/uiStore.ts';
import { SwitchRow } from '../ui/SettingsLayout.dom.tsx';

export function OverlaySettings({ update }: { update: (patch: Partial<ClientSettings>) => void }) {
  const settings = useUiStore((s) => s.settings);
  const overlay = settings.overlay;
  const [newGame, setNewGame] = useState('');
  const set = (patch: Partial<ClientSettings['overlay']>) => update({ overlay: { ...overlay, ...patch } });
  const off = new Set(overlay.disabledGames);
  // Games the user knows by name here: registered programs, plus whatever is already on the off list.
  const games = [
    ...settings.games.registered.map((g) => ({ id: g.executable, name: g.name })),
    ...overlay.disabledGames.filter((id) => !settings.games.registered.some((g) => g.executable === id)).map((id) => ({ id, name: id })),
  ];
  const lockKey = settings.keybinds.toggleOverlayLock;
  return (
    <>
      <h2>Game Overlay</h2>
      {getBridge().kind === 'web' ? (
        <div className="card" style={{ marginBottom: 16 }}>
          The overlay draws over games in the desktop app. These settings are kept for it.
        </div>
      ) : null}
      <SwitchRow
        label="Enable in-game overlay"
        description={`Shows your voice channel, who is speaking and new messages over a running game. ${lockKey ? `${lockKey} unlocks it to chat.` : 'Set a Toggle Overlay Lock keybind to chat in it.'}`}
        on={overlay.enabled}
        onChange={(v) => set({ enabled: v })}
        testId="overlay-enabled"
      />
      <SwitchRow
        label="Show message notifications"
        description="Mentions and direct messages appear in a corner of the overlay."
        on={overlay.notifications}
        onChange={(v) => set({ notifications: v })}
        testId="overlay-notifications"
      />
      <div className="divider" />
      <h3>Per game</h3>
      {games.length === 0 ? <p style={{ color: 'var(--text-muted)', fontSize: 14 }}>No games yet: registered games appear here.</p> : null}
      {games.map((g) => (
        <SwitchRow
          key={g.id}
          label={g.name}
          description={g.name === g.id ? '' : g.id}
          on={!off.has(g.id)}
          onChange={(v) => set({ disabledGames: v ? overlay.disabledGames.filter((id) => id !== g.id) : [...overlay.disabledGames, g.id] })}
        />
      ))}
      <form
        style={{ display: 'flex', gap: 8, marginTop: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          const id = newGame.trim();
          if (id === '' || off.has(id)) return;
          set({ disabledGames: [...overlay.disabledGames, id] });
          setNewGame('');
        }}
      >
        <input className="input" value={newGame} maxLength={260} placeholder="Turn it off for a game (executable or application id)" onChange={(e) => setNewGame(e.target.value)} data-testid="overlay-off-input" />
        <button className="btn secondary" type="submit">
          Add
        </button>
      </form>
      <div className="divider" />
      <h3>Where the overlay cannot draw</h3>
      <p style={{ color: 'var(--text-muted)', fontSize: 14 }}>
        Games in exclusive fullscreen own the screen: switch them to borderless windowed (often called “fullscreen windowed”). On Wayland, compositors may keep other windows below a fullscreen game; log in to an X11 session to use the overlay there.
      </p>
    </>
  );
}
