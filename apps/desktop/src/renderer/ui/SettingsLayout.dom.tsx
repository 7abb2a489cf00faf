// The full-screen settings frame Discord uses: sections on the left, content in the middle,
// a close button (Esc) on the right.
import type { ReactNode } from 'react';
import { useUiStore } from '../state/uiStore.ts';
import { CloseIcon } from './Icons.dom.tsx';

export interface NavEntry<T extends string> {
  id: T;
  label: string;
  danger?: boolean;
  onClick?: () => void;
}

export function SettingsLayout<T extends string>({ heading, sections, selected, onSelect, children, testId }: {
  heading: string;
  sections: (NavEntry<T> | 'separator' | { title: string })[];
  selected: T;
  onSelect: (id: T) => void;
  children: ReactNode;
  testId: string;
}) {
  return (
    <div className="settings" data-testid={testId} role="dialog" aria-label={heading}>
      <nav className="snav thin-scroll">
        <div className="snav-inner">
          <h4>{heading}</h4>
          {sections.map((s, i) => {
            if (s === 'separator') return <div key={i} className="ssep" />;
            if ('title' in s) return <h4 key={i} style={{ marginTop: 8 }}>{s.title}</h4>;
            return (
              <button
                key={s.id}
                className={`sitem ${s.id === selected ? 'selected' : ''} ${s.danger ? 'danger' : ''}`}
                data-testid={`settings-tab-${s.id}`}
                onClick={() => (s.onClick ? s.onClick() : onSelect(s.id))}
              >
                {s.label}
              </button>
            );
          })}
        </div>
      </nav>
      <div className="scontent">
        <div className="scontent-inner">{children}</div>
        <button className="sclose" onClick={() => useUiStore.getState().closeModal()} aria-label="Close settings" data-testid="settings-close">
          <span className="ring">
            <CloseIcon size={18} />
          </span>
          ESC
        </button>
      </div>
    </div>
  );
}

export function Switch({ on, onChange, label, testId }: { on: boolean; onChange: (next: boolean) => void; label: string; testId?: string }) {
  return <button role="switch" aria-checked={on} aria-label={label} className={`switch ${on ? 'on' : ''}`} onClick={() => onChange(!on)} data-testid={testId} />;
}

export function SwitchRow({ label, description, on, onChange, testId }: { label: string; description?: string; on: boolean; onChange: (next: boolean) => void; testId?: string }) {
  return (
    <div className="switch-row">
      <div>
        <div className="sl">{label}</div>
        {description ? <div className="sd">{description}</div> : null}
      </div>
      <Switch on={on} onChange={onChange} label={label} {...(testId ? { testId } : {})} />
    </div>
  );
}

export function SaveBar({ onSave, onReset, busy }: { onSave: () => void; onReset: () => void; busy?: boolean }) {
  return (
    <div className="save-bar" data-testid="save-bar">
      <span>Careful — you have unsaved changes!</span>
      <span style={{ display: 'flex', gap: 8 }}>
        <button className="btn link small" onClick={onReset}>
          Reset
        </button>
        <button className="btn small" style={{ background: 'var(--green)' }} onClick={onSave} disabled={busy} data-testid="save-changes">
          Save Changes
        </button>
      </span>
    </div>
  );
}
