// Ctrl+K: jump to any channel, DM or server by typing part of its name; arrows and Enter.
import { useMemo, useState } from 'react';
import { ChannelType } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { HOME, useUiStore } from '../state/uiStore.ts';
import { dmName, isDMChannel, isTextLike } from '../state/selectors.ts';
import { navigateToChannel, navigateToGuild } from '../session/actions.ts';
import { ChannelIcon } from './ChannelSidebar.dom.tsx';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { colorForId, guildInitials } from '../ui/avatar.ts';

interface Result {
  key: string;
  label: string;
  where: string;
  icon: React.ReactNode;
  go(): void;
}

export function QuickSwitcher() {
  const open = useUiStore((s) => s.quickSwitcherOpen);
  if (!open) return null;
  return <SwitcherBody />;
}

function SwitcherBody() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const channels = useGuildStore((s) => s.channels);
  const guilds = useGuildStore((s) => s.guilds);
  const results = useMemo<Result[]>(() => {
    const q = query.trim().toLowerCase().replace(/^[#@*]/, '');
    const out: Result[] = [];
    for (const c of Object.values(channels)) {
      if (!isTextLike(c)) continue;
      const label = isDMChannel(c) ? dmName(c) : (c.name ?? '');
      if (q && !label.toLowerCase().includes(q)) continue;
      const guild = c.guild_id ? guilds[c.guild_id] : undefined;
      const other = c.type === ChannelType.DM ? c.recipients?.[0] : undefined;
      out.push({
        key: c.id,
        label,
        where: guild?.name ?? 'Direct Message',
        icon: other ? <Avatar id={other.id} name={label} size={20} /> : <ChannelIcon channel={c} size={20} />,
        go: () => navigateToChannel(c.guild_id ?? HOME, c.id),
      });
    }
    for (const g of Object.values(guilds)) {
      if (q && !g.name.toLowerCase().includes(q)) continue;
      out.push({
        key: `g-${g.id}`,
        label: g.name,
        where: 'Server',
        icon: (
          <span className="avatar" style={{ width: 20, height: 20, borderRadius: 6, background: colorForId(g.id), fontSize: 9 }}>
            {guildInitials(g.name)}
          </span>
        ),
        go: () => navigateToGuild(g.id),
      });
    }
    const score = (r: Result) => (r.label.toLowerCase().startsWith(q) ? 0 : 1);
    return out.sort((a, b) => score(a) - score(b) || a.label.localeCompare(b.label)).slice(0, 30);
  }, [query, channels, guilds]);

  const choose = (r: Result | undefined) => {
    if (!r) return;
    useUiStore.getState().setQuickSwitcher(false);
    r.go();
  };

  return (
    <div className="modal-backdrop" onClick={() => useUiStore.getState().setQuickSwitcher(false)}>
      <div className="switcher" onClick={(e) => e.stopPropagation()} data-testid="quick-switcher" role="dialog" aria-label="Quick switcher">
        <input
          autoFocus
          placeholder="Where would you like to go?"
          value={query}
          data-testid="quick-switcher-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const n = Math.max(1, results.length);
              setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : -1) + n) % n);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              choose(results[active]);
            }
          }}
        />
        <div className="results">
          {results.map((r, i) => (
            <div key={r.key} className={`result ${i === active ? 'active' : ''}`} onMouseEnter={() => setActive(i)} onClick={() => choose(r)} data-testid="quick-switcher-result">
              {r.icon}
              <span>{r.label}</span>
              <span className="where">{r.where}</span>
            </div>
          ))}
        </div>
        <div className="protip">
          <b>Protip:</b> Start searches with @, # or * to narrow them down. Use ↑ ↓ and Enter to jump.
        </div>
      </div>
    </div>
  );
}
