// One open channel: header (name, topic, pins, member list toggle), connection banners, the
// message list, the composer (with drag-and-drop uploads) and the member list.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ChannelType, PermissionFlags } from '@concord/protocol';
import { useMessageStore } from '../state/messageStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { dmName, isDMChannel, useChannel, useChannelPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { openChannel } from './channelLoader.ts';
import { MessageList } from './MessageList.dom.tsx';
import { Composer } from './Composer.dom.tsx';
import { MemberList } from '../guild/MemberList.dom.tsx';
import { PinsPanel } from './PinsPanel.dom.tsx';
import { ChannelIcon } from '../guild/ChannelSidebar.dom.tsx';
import { MembersIcon, PinIcon, PersonAddIcon } from '../ui/Icons.dom.tsx';
import { Markdown } from './Markdown.dom.tsx';
import { CallPanel } from '../dm/CallPanel.dom.tsx';
import { PhoneCallIcon } from '../dm/CallIcons.dom.tsx';
import { startOrJoinCall } from '../dm/callActions.ts';

export function ChatView({ channelId }: { channelId: string }) {
  const channel = useChannel(channelId);
  const perms = useChannelPermissions(channelId);
  const memberListOpen = useUiStore((s) => s.memberListOpen);
  const pinsOpen = useUiStore((s) => s.pinsOpen);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);

  useEffect(() => {
    void openChannel(channelId);
  }, [channelId]);

  const canAttach = has(perms, PermissionFlags.SEND_MESSAGES) && has(perms, PermissionFlags.ATTACH_FILES);
  const onDrop = useCallback(
    (files: File[]) => {
      if (!canAttach || files.length === 0) return;
      useUiStore.getState().stageFiles(channelId, files);
    },
    [canAttach, channelId],
  );

  if (!channel) return null;
  const isDM = isDMChannel(channel);
  const title = isDM ? dmName(channel) : (channel.name ?? '');
  const showMembers = memberListOpen && (!!channel.guild_id || channel.type === ChannelType.GROUP_DM);

  return (
    <main
      className="chat"
      data-testid="chat-view"
      data-channel-id={channelId}
      onDragEnter={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        dragDepth.current++;
        setDragging(true);
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDragLeave={() => {
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        dragDepth.current = 0;
        setDragging(false);
        onDrop([...e.dataTransfer.files]);
      }}
    >
      <div className="chat-header">
        <span className="title" data-testid="chat-title">
          <span className="icon">{isDM ? '@' : <ChannelIcon channel={channel} size={24} />}</span>
          {title}
        </span>
        {channel.topic ? (
          <>
            <span className="divider" />
            <span className="topic" title={channel.topic}>
              <Markdown content={channel.topic} inline />
            </span>
          </>
        ) : (
          <span className="topic" />
        )}
        <div className="tools">
          {isDM ? (
            <button className="icon-button" title="Start Voice Call" aria-label="Start Voice Call" data-testid="start-call" onClick={() => startOrJoinCall(channelId)}>
              <PhoneCallIcon />
            </button>
          ) : null}
          {channel.guild_id ? (
            <button className="icon-button" title="Create Invite" aria-label="Create Invite" onClick={() => useUiStore.getState().openModal({ kind: 'invite', guildId: channel.guild_id!, channelId })}>
              <PersonAddIcon />
            </button>
          ) : null}
          <button className={`icon-button ${pinsOpen ? 'active' : ''}`} title="Pinned Messages" aria-label="Pinned Messages" data-testid="pins-button" onClick={() => useUiStore.getState().togglePins()}>
            <PinIcon />
          </button>
          {channel.guild_id || channel.type === ChannelType.GROUP_DM ? (
            <button className={`icon-button ${memberListOpen ? 'active' : ''}`} title="Member List" aria-label="Member List" onClick={() => useUiStore.getState().toggleMemberList()}>
              <MembersIcon />
            </button>
          ) : null}
        </div>
      </div>
      <ConnectionBanners channelId={channelId} />
      {isDM ? <CallPanel channelId={channelId} /> : null}
      <div className="chat-body">
        <div className="chat-main">
          <MessageList channelId={channelId} />
          <Composer channelId={channelId} permissions={perms} onFiles={onDrop} />
        </div>
        {showMembers ? <MemberList channel={channel} /> : null}
      </div>
      {pinsOpen ? <PinsPanel channelId={channelId} /> : null}
      {dragging && canAttach ? (
        <div className="drop-overlay">
          <div className="box">
            <div className="inner">
              <h2>Upload to #{title}</h2>
              <div>You can add comments before uploading. Hold shift to upload directly.</div>
            </div>
          </div>
        </div>
      ) : null}
    </main>
  );
}

function ConnectionBanners({ channelId }: { channelId: string }) {
  const session = useSessionStore((s) => s.session);
  const apiReachable = useSessionStore((s) => s.apiReachable);
  const channelOffline = useMessageStore((s) => s.byChannel[channelId]?.offline ?? false);
  const offline = !apiReachable || channelOffline;
  return (
    <>
      {offline ? (
        <div className="banner offline" data-testid="offline-banner" role="status">
          You&apos;re offline — showing cached messages.
        </div>
      ) : null}
      {!offline && (session.status === 'reconnecting' || session.status === 'connecting') ? (
        <div className="banner reconnecting" data-testid="reconnecting-banner" role="status">
          <span className="spinner" />
          {session.status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </div>
      ) : null}
    </>
  );
}
