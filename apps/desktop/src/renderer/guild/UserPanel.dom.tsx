// The panel under the sidebar: avatar with presence, name, status picker, mute, deafen and the
// settings gear.
import { useState } from 'react';
import type { PresenceStatus } from '@concord/protocol';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { setSelfStatus } from '../session/actions.ts';
import { toggleSelfDeafen, toggleSelfMute } from '../voice/voiceActions.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { GearIcon, HeadphonesIcon, HeadphonesOffIcon, MicIcon, MicOffIcon } from '../ui/Icons.dom.tsx';

const STATUSES: { id: Exclude<PresenceStatus, 'offline'>; label: string; desc?: string }[] = [
  { id: 'online', label: 'Online' },
  { id: 'idle', label: 'Idle' },
  { id: 'dnd', label: 'Do Not Disturb', desc: 'You will not receive any desktop notifications.' },
  { id: 'invisible', label: 'Invisible', desc: 'You will appear offline.' },
];

export function UserPanel() {
  const user = useSessionStore((s) => s.user);
  const status = useSessionStore((s) => s.selfStatus);
  const muted = useVoiceStore((s) => s.selfMute);
  const deafened = useVoiceStore((s) => s.selfDeaf);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  if (!user) return <div className="user-panel" />;
  const name = user.global_name || user.username;
  return (
    <section className="user-panel" style={{ ['--status-ring' as string]: 'var(--bg-panel)' }} data-testid="user-panel">
      <button
        className="who"
        data-testid="status-picker"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setMenu(menu ? null : { x: r.left, y: r.top - 8 });
        }}
      >
        <Avatar id={user.id} name={name} size={32} status={status === 'invisible' ? 'offline' : status} />
        <span className="names">
          <div className="n1" data-testid="self-name">{name}</div>
          <div className="n2">{STATUSES.find((s) => s.id === status)?.label ?? user.username}</div>
        </span>
      </button>
      <button className={`icon-button ${muted ? 'danger' : ''}`} role="switch" aria-checked={muted} aria-label="Mute" title={muted ? 'Unmute' : 'Mute'} data-testid="self-mute" onClick={toggleSelfMute}>
        {muted ? <MicOffIcon size={20} /> : <MicIcon size={20} />}
      </button>
      <button className={`icon-button ${deafened ? 'danger' : ''}`} role="switch" aria-checked={deafened} aria-label="Deafen" title={deafened ? 'Undeafen' : 'Deafen'} data-testid="self-deafen" onClick={toggleSelfDeafen}>
        {deafened ? <HeadphonesOffIcon size={20} /> : <HeadphonesIcon size={20} />}
      </button>
      <button
        className="icon-button"
        aria-label="User Settings"
        title="User Settings"
        data-testid="user-settings-button"
        onClick={() => useUiStore.getState().openModal({ kind: 'userSettings', tab: 'account' })}
      >
        <GearIcon size={20} />
      </button>
      {menu ? (
        <>
          <div style={{ position: 'fixed', inset: 0, zIndex: 49 }} onClick={() => setMenu(null)} />
          <div className="menu" style={{ left: menu.x, bottom: window.innerHeight - menu.y, top: 'auto' }} role="menu">
            {STATUSES.map((s) => (
              <button
                key={s.id}
                className="mi"
                role="menuitem"
                data-testid={`status-${s.id}`}
                onClick={() => {
                  setSelfStatus(s.id);
                  setMenu(null);
                }}
              >
                <span style={{ display: 'flex', gap: 10, alignItems: 'flex-start' }}>
                  <span className={`status-dot ${s.id}`} style={{ position: 'static', width: 10, height: 10, marginTop: 5, boxShadow: 'none', display: 'inline-block' }} />
                  <span>
                    <div>{s.label}</div>
                    {s.desc ? <div style={{ fontSize: 12, opacity: 0.8, fontWeight: 400 }}>{s.desc}</div> : null}
                  </span>
                </span>
              </button>
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
