// A guild's sidebar: the guild header (click for the guild menu), collapsible categories,
// text/announcement/voice channels with unread state and mention counts, who is in each voice
// channel (a moderator drops a dragged voice member on a voice channel to move them), and the user
// panel at the bottom.
import { memo, useState, type DragEvent } from 'react';
import { ChannelType, PermissionFlags, type APIChannel } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { useChannelTree, useChannelUnread, useCurrentChannelId, useGuildPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { navigateToChannel } from '../session/actions.ts';
import { AnnouncementIcon, ChevronDown, GearIcon, HashIcon, PersonAddIcon, PlusIcon, SpeakerIcon } from '../ui/Icons.dom.tsx';
import { UserPanel } from './UserPanel.dom.tsx';
import { VoiceChannelMembers, VoiceUserLimit } from '../voice/VoiceChannelMembers.dom.tsx';
import { VoiceConnectedPanel } from '../voice/VoiceConnectedPanel.dom.tsx';
import { joinVoiceChannel, moderateVoiceMember } from '../voice/voiceActions.ts';
import { VOICE_MEMBER_MIME, draggingVoiceMember, isMoveTarget, parseVoiceMemberDrag, setDraggingVoiceMember } from '../voice/voiceMemberDrag.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';

export function ChannelIcon({ channel, size = 20 }: { channel: APIChannel; size?: number }) {
  if (channel.type === ChannelType.GUILD_VOICE) return <SpeakerIcon size={size} />;
  if (channel.type === ChannelType.GUILD_ANNOUNCEMENT) return <AnnouncementIcon size={size} />;
  return <HashIcon size={size} />;
}

export function ChannelSidebar({ guildId }: { guildId: string }) {
  const guildName = useGuildStore((s) => s.guilds[guildId]?.name ?? '');
  const tree = useChannelTree(guildId);
  const collapsed = useUiStore((s) => s.collapsedCategories);
  const selectedId = useCurrentChannelId();
  const perms = useGuildPermissions(guildId);
  const canManageChannels = has(perms, PermissionFlags.MANAGE_CHANNELS);

  return (
    <aside className="sidebar" aria-label="Channels">
      <header
        className="sidebar-header"
        data-testid="guild-header"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          useUiStore.getState().setContextMenu({ kind: 'guild', x: r.left + 10, y: r.bottom + 6, guildId });
        }}
      >
        <span className="title">{guildName}</span>
        <ChevronDown size={18} />
      </header>
      <div className="channel-scroller thin-scroll" data-testid="channel-list">
        {tree.map((node) => {
          const catId = node.category?.id ?? null;
          const isCollapsed = catId ? !!collapsed[catId] : false;
          return (
            <div key={catId ?? 'root'}>
              {node.category ? (
                <div
                  className={`category ${isCollapsed ? 'collapsed' : ''}`}
                  data-testid="category"
                  data-category-name={node.category.name ?? ''}
                  onClick={() => useUiStore.getState().toggleCategory(catId!)}
                  onContextMenu={(e) => {
                    e.preventDefault();
                    useUiStore.getState().setContextMenu({ kind: 'channel', x: e.clientX, y: e.clientY, channelId: catId! });
                  }}
                >
                  <ChevronDown size={12} className="chevron" />
                  <span className="name">{node.category.name}</span>
                  {canManageChannels ? (
                    <button
                      className="add"
                      title="Create Channel"
                      aria-label="Create Channel"
                      onClick={(e) => {
                        e.stopPropagation();
                        useUiStore.getState().openModal({ kind: 'createChannel', guildId, parentId: catId, category: false });
                      }}
                    >
                      <PlusIcon size={16} />
                    </button>
                  ) : null}
                </div>
              ) : null}
              {node.channels
                .filter((c) => !isCollapsed || c.id === selectedId)
                .map((c) => (
                  <ChannelItem key={c.id} channel={c} guildId={guildId} selected={c.id === selectedId} canManage={canManageChannels} />
                ))}
            </div>
          );
        })}
      </div>
      <VoiceConnectedPanel />
      <UserPanel />
    </aside>
  );
}

const ChannelItem = memo(function ChannelItem({ channel, guildId, selected, canManage }: { channel: APIChannel; guildId: string; selected: boolean; canManage: boolean }) {
  const { unread, mentions } = useChannelUnread(channel);
  const isVoice = channel.type === ChannelType.GUILD_VOICE;
  const inThisVoice = useVoiceStore((s) => s.connection.status !== 'disconnected' && s.connection.channelId === channel.id);
  // As in Discord: clicking a voice channel joins it (or moves there); text channels open.
  const open = () => (isVoice ? joinVoiceChannel(guildId, channel.id) : navigateToChannel(guildId, channel.id));
  const drop = useVoiceMemberDrop(guildId, channel.id, isVoice);
  return (
    <>
      <div
        className={`channel ${selected || inThisVoice ? 'selected' : ''} ${unread && !selected ? 'unread' : ''} ${drop.over ? 'voice-drop-target' : ''}`}
        role="link"
        tabIndex={0}
        data-testid="channel-item"
        data-channel-id={channel.id}
        data-channel-name={channel.name ?? ''}
        data-unread={unread ? 'true' : 'false'}
        onClick={open}
        onKeyDown={(e) => e.key === 'Enter' && open()}
        {...drop.handlers}
        onContextMenu={(e) => {
          e.preventDefault();
          useUiStore.getState().setContextMenu({ kind: 'channel', x: e.clientX, y: e.clientY, channelId: channel.id });
        }}
      >
        <span className="icon">
          <ChannelIcon channel={channel} />
        </span>
        <span className="name">{channel.name}</span>
        {isVoice && channel.user_limit ? <VoiceUserLimit guildId={guildId} channelId={channel.id} limit={channel.user_limit} /> : null}
        <span className="actions">
          <button
            title="Create Invite"
            aria-label="Create Invite"
            onClick={(e) => {
              e.stopPropagation();
              useUiStore.getState().openModal({ kind: 'invite', guildId, channelId: channel.id });
            }}
          >
            <PersonAddIcon size={16} />
          </button>
          {canManage ? (
            <button
              title="Edit Channel"
              aria-label="Edit Channel"
              data-testid="channel-settings-button"
              onClick={(e) => {
                e.stopPropagation();
                useUiStore.getState().openModal({ kind: 'channelSettings', channelId: channel.id, tab: 'overview' });
              }}
            >
              <GearIcon size={16} />
            </button>
          ) : null}
        </span>
        {mentions > 0 && !selected ? (
          <span className="badge" data-testid="channel-mention-badge">
            {mentions}
          </span>
        ) : null}
      </div>
      {isVoice ? <VoiceChannelMembers guildId={guildId} channelId={channel.id} /> : null}
    </>
  );
});

/**
 * A voice channel as a drop target for a voice member dragged from this sidebar: a drop asks the
 * server to move them (PATCH member channel_id, as the menu's Move To); the server's refusal
 * (MOVE_MEMBERS, CONNECT in the target) shows as a toast. Other channels take no drops.
 */
function useVoiceMemberDrop(guildId: string, channelId: string, isVoice: boolean) {
  const [over, setOver] = useState(false);
  if (!isVoice) return { over: false, handlers: {} };
  const accepts = (e: DragEvent) => e.dataTransfer.types.includes(VOICE_MEMBER_MIME) && isMoveTarget(draggingVoiceMember(), guildId, channelId);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!accepts(e)) return;
      e.preventDefault();
      setOver(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!accepts(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    },
    onDragLeave: (e: DragEvent) => {
      if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
      setOver(false);
    },
    onDrop: (e: DragEvent) => {
      setOver(false);
      const drag = parseVoiceMemberDrag(e.dataTransfer.getData(VOICE_MEMBER_MIME));
      setDraggingVoiceMember(null);
      if (!drag || !isMoveTarget(drag, guildId, channelId)) return;
      e.preventDefault();
      void moderateVoiceMember(guildId, drag.userId, { channel_id: channelId });
    },
  };
  return { over, handlers };
}
