// User Settings > Registered Games: the game playing now, the games detection found (each can be
// hidden: detected but never shown to others), programs added by hand with "Add it!" (any running
// program becomes a game), and the Activity Privacy switch. The desktop app (or `npm run presence`)
// detects games; a browser cannot see the machine's programs, and the page says so.
import { useCallback, useEffect, useState } from 'react';
import type { ClientSettings } from '../../shared/bridge.ts';
import type { DetectedGameInfo, RunningProgramInfo } from '../../shared/gamesBridge.ts';
import { getBridge } from '../bridge/bridge.ts';
import { errorText } from '../session/actions.ts';
import { useUiStore } from '../state/uiStore.ts';
import { SwitchRow } from '../ui/SettingsLayout.dom.tsx';

/** How often the page re-reads the detector while it is open (the detector itself scans every 2 s). */
const REFRESH_MS = 2000;

async function updateSettings(patch: Partial<ClientSettings>): Promise<void> {
  const next = await getBridge().settings.set(patch);
  useUiStore.getState().setSettings(next);
}

function toast(text: string) {
  useUiStore.getState().showToast(text);
}

export function RegisteredGames() {
  const settings = useUiStore((s) => s.settings);
  const games = getBridge().games;
  const [detected, setDetected] = useState<DetectedGameInfo[]>([]);
  useEffect(() => {
    if (!games) return;
    let live = true;
    const refresh = () =>
      games
        .detected()
        .then((list) => live && setDetected(list))
        .catch((e: unknown) => live && toast(errorText(e)));
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [games]);

  const hidden = new Set(settings.games.hidden);
  const setHidden = (id: string, hide: boolean) =>
    void updateSettings({ games: { ...settings.games, hidden: hide ? [...settings.games.hidden.filter((h) => h !== id), id] : settings.games.hidden.filter((h) => h !== id) } });
  const current = detected.find((g) => !hidden.has(g.id)) ?? null;

  return (
    <>
      <h2>Registered Games</h2>
      {!games ? (
        <div className="card" data-testid="games-web-notice" style={{ marginBottom: 16 }}>
          A browser cannot see which programs run on your computer. The Concord desktop app detects your games and shows them as “Playing …”;
          on the web client, run <code>npm run presence</code> on the same computer to do the same.
        </div>
      ) : (
        <>
          <div className="card" data-testid="current-game" style={{ marginBottom: 16 }}>
            {current ? (
              <>
                <div className="sl">{current.name}</div>
                <div className="sd">Playing now · since {new Date(current.startedAt).toLocaleTimeString()}</div>
              </>
            ) : (
              <div className="sd">No game detected</div>
            )}
          </div>
          <AddIt registered={settings.games.registered} onAdd={(entry) => void updateSettings({ games: { ...settings.games, registered: [...settings.games.registered.filter((r) => r.executable !== entry.executable), entry] } })} />
          <h3>Detected games</h3>
          {detected.length === 0 ? <div className="sd" style={{ marginBottom: 16 }}>Nothing running that Concord recognises.</div> : null}
          {detected.map((g) => (
            <div key={g.id} data-testid="detected-game">
              <SwitchRow label={g.name} description={`${g.executable}${hidden.has(g.id) ? ' · hidden from others' : ''}`} on={!hidden.has(g.id)} onChange={(show) => setHidden(g.id, !show)} testId={`show-game-${g.id}`} />
            </div>
          ))}
        </>
      )}
      <h3>Added games</h3>
      {settings.games.registered.length === 0 ? <div className="sd" style={{ marginBottom: 16 }}>No games added by hand.</div> : null}
      {settings.games.registered.map((r) => (
        <div className="switch-row" key={r.executable} data-testid="registered-game">
          <div>
            <div className="sl">{r.name}</div>
            <div className="sd">{r.executable}</div>
          </div>
          <button className="btn link small" onClick={() => void updateSettings({ games: { ...settings.games, registered: settings.games.registered.filter((x) => x.executable !== r.executable) } })}>
            Remove
          </button>
        </div>
      ))}
      <div className="divider" />
      <SwitchRow
        label="Display current activity as a status message"
        description="Show the game you are playing (detected, added here, or reported by the game itself) to people in your servers."
        on={settings.activityPrivacy.shareActivity}
        onChange={(v) => void updateSettings({ activityPrivacy: { shareActivity: v } })}
        testId="share-activity"
      />
    </>
  );
}

/** "Not seeing your game? Add it!": pick a running program, name it, register it. */
function AddIt({ registered, onAdd }: { registered: ClientSettings['games']['registered']; onAdd: (entry: { name: string; executable: string }) => void }) {
  const games = getBridge().games;
  const [programs, setPrograms] = useState<RunningProgramInfo[] | null>(null);
  const [picked, setPicked] = useState('');
  const [name, setName] = useState('');
  const open = useCallback(() => {
    games
      ?.runningPrograms()
      .then((list) => {
        const known = new Set(registered.map((r) => r.executable));
        const offered = list.filter((p) => !known.has(p.executable));
        setPrograms(offered);
        setPicked(offered[0]?.executable ?? '');
        setName(offered[0]?.name ?? '');
      })
      .catch((e: unknown) => toast(errorText(e)));
  }, [games, registered]);
  if (programs === null) {
    return (
      <div className="switch-row">
        <div className="sd">Not seeing your game?</div>
        <button className="btn small" onClick={open} data-testid="add-it">
          Add it!
        </button>
      </div>
    );
  }
  const valid = picked !== '' && name.trim().length > 0 && name.trim().length <= 128 && picked.length <= 260;
  return (
    <div className="card" style={{ marginBottom: 16 }} data-testid="add-it-form">
      <div className="field">
        <label htmlFor="add-it-program">Running program</label>
        <select
          id="add-it-program"
          className="input"
          value={picked}
          onChange={(e) => {
            setPicked(e.target.value);
            setName(programs.find((p) => p.executable === e.target.value)?.name ?? '');
          }}
          data-testid="add-it-program"
        >
          {programs.map((p) => (
            <option key={p.executable} value={p.executable}>
              {p.name} — {p.executable}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="add-it-name">Show as</label>
        <input id="add-it-name" className="input" value={name} maxLength={128} onChange={(e) => setName(e.target.value)} data-testid="add-it-name" />
      </div>
      <span style={{ display: 'flex', gap: 8 }}>
        <button
          className="btn small"
          disabled={!valid}
          data-testid="add-it-confirm"
          onClick={() => {
            onAdd({ name: name.trim(), executable: picked });
            setPrograms(null);
          }}
        >
          Add Game
        </button>
        <button className="btn link small" onClick={() => setPrograms(null)}>
          Cancel
        </button>
      </span>
    </div>
  );
}
