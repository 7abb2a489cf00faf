// Home's sidebar: find-or-start, the Friends (People) view with its pending-request badge, and the
// direct message list (newest first) with unread state and mention badges.
import { memo } from 'react';
import { ChannelType, type APIChannel } from '@concord/protocol';
import { useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useRelationshipStore } from './relationshipStore.ts';
import { pendingIncomingCount } from './people.ts';
import { HOME, useUiStore } from '../state/uiStore.ts';
import { dmName, useChannelUnread, useCurrentChannelId, useDMChannels } from '../state/selectors.ts';
import { navigateToChannel } from '../session/actions.ts';
import { colorForId } from '../ui/avatar.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { MembersIcon, PlusIcon } from '../ui/Icons.dom.tsx';
import { UserPanel } from '../guild/UserPanel.dom.tsx';
import { VoiceConnectedPanel } from '../voice/VoiceConnectedPanel.dom.tsx';

export function DMSidebar() {
  const dms = useDMChannels();
  const selected = useCurrentChannelId();
  return (
    <aside className="sidebar" aria-label="Direct Messages" style={{ ['--status-ring' as string]: 'var(--bg-sidebar)' }}>
      <header className="sidebar-header" style={{ padding: '0 10px', cursor: 'default' }}>
        <button className="sidebar-search" onClick={() => useUiStore.getState().setQuickSwitcher(true)} data-testid="dm-search">
          Find or start a conversation
        </button>
      </header>
      <div className="channel-scroller thin-scroll" data-testid="dm-list">
        <div className={`nav-item ${selected === null ? 'selected' : ''}`} onClick={() => useUiStore.getState().selectChannel(HOME, null)} data-testid="people-nav">
          <MembersIcon />
          <span>Friends</span>
          <PendingBadge />
        </div>
        <div className="dm-heading">
          <span>Direct Messages</span>
          <button aria-label="Create DM" title="Create DM" data-testid="create-dm" onClick={() => useUiStore.getState().openModal({ kind: 'createDM' })}>
            <PlusIcon size={16} />
          </button>
        </div>
        {dms.map((c) => (
          <DMItem key={c.id} channel={c} selected={c.id === selected} />
        ))}
        {dms.length === 0 ? <div style={{ padding: '8px 18px', fontSize: 14, color: 'var(--text-muted)' }}>No conversations yet.</div> : null}
      </div>
      <VoiceConnectedPanel />
      <UserPanel />
    </aside>
  );
}

/** Incoming friend requests, on the Friends entry as on Discord. */
function PendingBadge() {
  const incoming = useRelationshipStore((s) => pendingIncomingCount(Object.values(s.byUserId)));
  return incoming > 0 ? (
    <span className="badge" style={{ marginLeft: 'auto' }} data-testid="friends-pending-badge">
      {incoming}
    </span>
  ) : null;
}

const DMItem = memo(function DMItem({ channel, selected }: { channel: APIChannel; selected: boolean }) {
  const { unread, mentions } = useChannelUnread(channel);
  const selfId = useSessionStore((s) => s.user?.id);
  const other = channel.type === ChannelType.DM ? channel.recipients?.find((r) => r.id !== selfId) ?? channel.recipients?.[0] : undefined;
  const presence = useMemberStore((s) => (other ? s.presences[other.id]?.status : undefined));
  const name = dmName(channel);
  return (
    <div
      className={`dm-item ${selected ? 'selected' : ''} ${unread && !selected ? 'unread' : ''}`}
      data-testid="dm-item"
      data-channel-id={channel.id}
      data-unread={unread ? 'true' : 'false'}
      onClick={() => navigateToChannel(HOME, channel.id)}
    >
      {other ? (
        <Avatar id={other.id} name={name} size={32} status={presence ?? 'offline'} />
      ) : (
        <span className="avatar" style={{ width: 32, height: 32, background: colorForId(channel.id) }}>
          <MembersIcon size={18} />
        </span>
      )}
      <div style={{ minWidth: 0, flex: 1 }}>
        <div className="name">{name}</div>
        {channel.type === ChannelType.GROUP_DM ? <div className="sub">{(channel.recipients?.length ?? 0) + 1} Members</div> : null}
      </div>
      {mentions > 0 && !selected ? (
        <span className="badge" data-testid="dm-mention-badge">
          {mentions}
        </span>
      ) : null}
    </div>
  );
});
