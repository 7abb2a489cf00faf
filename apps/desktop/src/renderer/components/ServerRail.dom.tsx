// The leftmost column: Home (DMs), one icon per guild with its unread pill and mention badge,
// then "Add a Server". Right-click a guild for its menu.
import { memo } from 'react';
import { useGuildStore } from '../state/guildStore.ts';
import { HOME, useUiStore } from '../state/uiStore.ts';
import { useGuildUnread } from '../state/selectors.ts';
import { navigateToGuild } from '../net/actions.ts';
import { guildInitials } from '../lib/avatar.ts';
import { CompassIcon, LogoIcon, PlusIcon } from './Icons.dom.tsx';

export function ServerRail() {
  const guildOrder = useGuildStore((s) => s.guildOrder);
  const selected = useUiStore((s) => s.selectedGuildId);
  return (
    <nav className="rail" aria-label="Servers" data-testid="server-rail">
      <HomeButton selected={selected === HOME} />
      <div className="rail-separator" />
      {guildOrder.map((id) => (
        <GuildIcon key={id} guildId={id} selected={selected === id} />
      ))}
      <div className="rail-item" title="Add a Server">
        <div className="rail-pill" />
        <button
          className="rail-icon action"
          data-testid="add-server"
          aria-label="Add a Server"
          onClick={() => useUiStore.getState().openModal({ kind: 'addGuild', step: 'choose' })}
        >
          <PlusIcon />
        </button>
      </div>
      <div className="rail-item" title="Join a Server">
        <div className="rail-pill" />
        <button
          className="rail-icon action"
          data-testid="join-server"
          aria-label="Join a Server"
          onClick={() => useUiStore.getState().openModal({ kind: 'addGuild', step: 'join' })}
        >
          <CompassIcon />
        </button>
      </div>
    </nav>
  );
}

function HomeButton({ selected }: { selected: boolean }) {
  const { unread, mentions } = useGuildUnread(HOME);
  return (
    <div className={`rail-item ${selected ? 'selected' : ''} ${unread ? 'unread' : ''}`} title="Direct Messages">
      <div className="rail-pill" />
      <button
        className="rail-icon home"
        data-testid="home-button"
        aria-label="Direct Messages"
        onClick={() => {
          const ui = useUiStore.getState();
          ui.selectGuild(HOME);
        }}
        style={selected ? { background: 'var(--blurple)', color: '#fff', borderRadius: 16 } : undefined}
      >
        <LogoIcon size={28} />
      </button>
      {mentions > 0 ? <span className="badge" data-testid="home-mention-badge">{mentions}</span> : null}
    </div>
  );
}

const GuildIcon = memo(function GuildIcon({ guildId, selected }: { guildId: string; selected: boolean }) {
  const name = useGuildStore((s) => s.guilds[guildId]?.name ?? '');
  const { unread, mentions } = useGuildUnread(guildId);
  const initials = guildInitials(name);
  return (
    <div className={`rail-item ${selected ? 'selected' : ''} ${unread ? 'unread' : ''}`} title={name}>
      <div className="rail-pill" />
      <button
        className={`rail-icon ${initials.length > 2 ? 'small-text' : ''}`}
        data-testid="guild-icon"
        data-guild-id={guildId}
        data-guild-name={name}
        data-unread={unread ? 'true' : 'false'}
        aria-label={name}
        onClick={() => navigateToGuild(guildId)}
        onContextMenu={(e) => {
          e.preventDefault();
          useUiStore.getState().setContextMenu({ kind: 'guild', x: e.clientX, y: e.clientY, guildId });
        }}
      >
        {initials}
      </button>
      {mentions > 0 ? (
        <span className="badge" data-testid="guild-mention-badge">
          {mentions}
        </span>
      ) : null}
    </div>
  );
});
