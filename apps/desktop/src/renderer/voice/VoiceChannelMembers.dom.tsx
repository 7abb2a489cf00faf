// Who is in a voice channel, listed under it in the sidebar as in Discord: avatar with a green
// speaking ring, name, and the server/self mute and deafen icons; right-click opens the voice
// member menu (volume, local mute, moderator actions). A moderator (MOVE_MEMBERS in the channel)
// can drag a member onto another voice channel (voiceMemberDrag.ts; the sidebar's voice channels
// take the drop). Also the "2/5" user-limit pill.
import { memo } from 'react';
import { PermissionFlags } from '@concord/protocol';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { has } from '../state/permissions.ts';
import { useChannelPermissions } from '../state/selectors.ts';
import { useUiStore } from '../state/uiStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { HeadphonesOffIcon, MicOffIcon } from '../ui/Icons.dom.tsx';
import { VOICE_MEMBER_MIME, serializeVoiceMemberDrag, setDraggingVoiceMember } from './voiceMemberDrag.ts';
import { membersInChannel, type VoiceMember } from './voiceReducers.ts';
import { useVoiceStore } from './voiceStore.ts';
import { useShallow } from 'zustand/react/shallow';
import { LiveBadge } from '../video/LiveBadge.dom.tsx';
import { useSessionStore } from '../state/sessionStore.ts';

export function VoiceChannelMembers({ guildId, channelId }: { guildId: string; channelId: string }) {
  const members = useVoiceStore(useShallow((s) => membersInChannel(s.states, guildId, channelId)));
  if (members.length === 0) return null;
  return (
    <div className="voice-members" data-testid="voice-members" data-channel-id={channelId}>
      {members.map((m) => (
        <VoiceMemberRow key={m.userId} guildId={guildId} member={m} />
      ))}
    </div>
  );
}

const VoiceMemberRow = memo(function VoiceMemberRow({ guildId, member }: { guildId: string; member: VoiceMember }) {
  const user = useMemberStore((s) => s.users[member.userId]);
  const guildMember = useMemberStore((s) => s.members[guildId]?.[member.userId]);
  const speaking = useVoiceStore((s) => !!s.speaking[member.userId]);
  const localMute = useVoiceStore((s) => !!s.userAudio[member.userId]?.localMute);
  // The server checks MOVE_MEMBERS in the member's channel; without it there is nothing to drag.
  const canMove = has(useChannelPermissions(member.channelId), PermissionFlags.MOVE_MEMBERS);
  const name = displayName(user, guildMember);
  const own = useSessionStore((s) => s.user?.id === member.userId);
  const muted = member.mute || member.selfMute || localMute;
  const deafened = member.deaf || member.selfDeaf;
  return (
    <div
      className={`voice-member ${speaking ? 'speaking' : ''}`}
      data-testid="voice-member"
      data-user-id={member.userId}
      data-speaking={speaking ? 'true' : 'false'}
      data-muted={muted ? 'true' : 'false'}
      data-deafened={deafened ? 'true' : 'false'}
      draggable={canMove}
      onDragStart={(e) => {
        if (!canMove) {
          e.preventDefault();
          return;
        }
        const drag = { guildId, userId: member.userId, channelId: member.channelId };
        e.dataTransfer.setData(VOICE_MEMBER_MIME, serializeVoiceMemberDrag(drag));
        e.dataTransfer.effectAllowed = 'move';
        setDraggingVoiceMember(drag);
      }}
      onDragEnd={() => setDraggingVoiceMember(null)}
      onContextMenu={(e) => {
        e.preventDefault();
        useUiStore.getState().setContextMenu({ kind: 'voiceMember', x: e.clientX, y: e.clientY, guildId, userId: member.userId });
      }}
    >
      <span className="voice-avatar">
        <Avatar id={member.userId} name={name} size={24} />
      </span>
      <span className="voice-name">{name}</span>
      <span className="voice-icons">
        <LiveBadge userId={member.userId} selfVideo={member.selfVideo} selfStream={member.selfStream} own={own} />
        {muted ? (
          <span className={member.mute ? 'server' : ''} title={member.mute ? 'Server Muted' : localMute && !member.selfMute ? 'Muted by you' : 'Muted'} data-testid="voice-muted-icon">
            <MicOffIcon size={16} />
          </span>
        ) : null}
        {deafened ? (
          <span className={member.deaf ? 'server' : ''} title={member.deaf ? 'Server Deafened' : 'Deafened'} data-testid="voice-deafened-icon">
            <HeadphonesOffIcon size={16} />
          </span>
        ) : null}
      </span>
    </div>
  );
});

/** "2/5" beside a voice channel with a user limit. */
export function VoiceUserLimit({ guildId, channelId, limit }: { guildId: string; channelId: string; limit: number }) {
  const count = useVoiceStore((s) => membersInChannel(s.states, guildId, channelId).length);
  if (limit <= 0) return null;
  return (
    <span className="voice-limit" data-testid="voice-user-limit" aria-label={`${count} of ${limit} users`}>
      {count}/{limit}
    </span>
  );
}
