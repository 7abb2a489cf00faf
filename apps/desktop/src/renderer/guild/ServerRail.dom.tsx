// The leftmost column: Home (DMs), one icon per guild with its unread pill and mention badge,
// then "Add a Server". Right-click a guild for its menu.
import { memo } from 'react';
import { useGuildStore } from '../state/guildStore.ts';
import { HOME, useUiStore } from '../state/uiStore.ts';
import { dmName, useChannelUnread, useDMChannels, useGuildUnread } from '../state/selectors.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { navigateToChannel, navigateToGuild } from '../session/actions.ts';
import { isUnread, useReadStateStore } from '../state/readStateStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import type { APIChannel } from '@concord/protocol';
import { guildInitials } from '../ui/avatar.ts';
import { CompassIcon, LogoIcon, PlusIcon } from '../ui/Icons.dom.tsx';

export function ServerRail() {
  const guildOrder = useGuildStore((s) => s.guildOrder);
  const selected = useUiStore((s) => s.selectedGuildId);
  return (
    <nav className="rail" aria-label="Servers" data-testid="server-rail">
      <HomeButton selected={selected === HOME} />
      <UnreadDMs />
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

/** Discord lists DMs with unread messages under Home, so they can be opened from anywhere. */
function UnreadDMs() {
  const dms = useDMChannels();
  const readStates = useReadStateStore((s) => s.readStates);
  const unread = dms.filter((c) => isUnread(c.last_message_id, readStates[c.id])).slice(0, 5);
  return (
    <>
      {unread.map((c) => (
        <RailDM key={c.id} channel={c} />
      ))}
    </>
  );
}

function RailDM({ channel }: { channel: APIChannel }) {
  const { mentions } = useChannelUnread(channel);
  const selfId = useSessionStore((s) => s.user?.id);
  const other = channel.recipients?.find((r) => r.id !== selfId) ?? channel.recipients?.[0];
  const name = dmName(channel);
  return (
    <div className="rail-item rail-dm unread" title={name}>
      <div className="rail-pill" />
      <button className="rail-icon" aria-label={`Direct message with ${name}`} data-testid="rail-dm" onClick={() => navigateToChannel(HOME, channel.id)}>
        <Avatar id={other?.id ?? channel.id} name={name} size={48} />
      </button>
      {mentions > 0 ? <span className="badge">{mentions}</span> : null}
    </div>
  );
}
