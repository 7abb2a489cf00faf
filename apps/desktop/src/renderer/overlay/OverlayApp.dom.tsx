// The overlay route: drawn over a game in a transparent window. Always: the voice channel we are in
// with who is speaking (rings, from the app window's voice connection) and recent mentions / DMs.
// Unlocked (the lock hotkey, Shift+` by default): a dimmed backdrop and the chat of the channel
// last notified (else the voice guild's default channel), with the usual message list and composer.
import { useEffect } from 'react';
import { MessageList } from '../chat/MessageList.dom.tsx';
import { Composer } from '../chat/Composer.dom.tsx';
import { openChannel } from '../chat/channelLoader.ts';
import { getBridge } from '../bridge/bridge.ts';
import { defaultChannelFor } from '../session/actions.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useChannelPermissions } from '../state/selectors.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { HeadphonesOffIcon, LockIcon, MicOffIcon, SpeakerIcon } from '../ui/Icons.dom.tsx';
import { useVoiceStore } from '../voice/voiceStore.ts';
import type { VoiceMember } from '../voice/voiceReducers.ts';
import { useOverlayStore } from './overlayStore.ts';
import './overlay.css';

/** Our own voice channel: the guild and channel our user's voice state is in (any of our sessions). */
function useOwnVoiceChannel(): { guildId: string; channelId: string; members: VoiceMember[] } | null {
  const selfId = useSessionStore((s) => s.user?.id);
  const states = useVoiceStore((s) => s.states);
  if (selfId === undefined) return null;
  for (const [guildId, byUser] of Object.entries(states)) {
    const own = byUser[selfId];
    if (own === undefined) continue;
    const members = Object.values(byUser)
      .filter((m) => m.channelId === own.channelId)
      .sort((a, b) => a.joinOrder - b.joinOrder);
    return { guildId, channelId: own.channelId, members };
  }
  return null;
}

export function OverlayApp({ signedIn }: { signedIn: boolean }) {
  const interactive = useOverlayStore((s) => s.state.interactive);
  const game = useOverlayStore((s) => s.state.game);
  const lockKey = useUiStore((s) => s.settings.keybinds.toggleOverlayLock);
  useEffect(() => {
    const timer = setInterval(() => useOverlayStore.getState().expire(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!interactive) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') void getBridge().overlay?.setInteractive(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [interactive]);
  return (
    <div className={`overlay-root ${interactive ? 'interactive' : ''}`} data-testid="overlay-root" data-interactive={interactive ? 'true' : 'false'}>
      {signedIn ? <VoiceWidget /> : <div className="overlay-card overlay-voice">Sign in to Concord to use the overlay.</div>}
      <Notifications />
      {interactive ? (
        <div className="overlay-interactive">
          <div className="overlay-bar">
            <span>{game ? `Concord Overlay · ${game.name}` : 'Concord Overlay'}</span>
            <button className="btn secondary small" onClick={() => void getBridge().overlay?.setInteractive(false)} data-testid="overlay-lock">
              <LockIcon size={14} /> Lock {lockKey ? `(${lockKey})` : ''}
            </button>
          </div>
          <OverlayChat />
        </div>
      ) : null}
    </div>
  );
}

function VoiceWidget() {
  const voice = useOwnVoiceChannel();
  const channelName = useGuildStore((s) => (voice ? s.channels[voice.channelId]?.name : undefined));
  if (voice === null) return null;
  return (
    <div className="overlay-card overlay-voice" data-testid="overlay-voice">
      <div className="overlay-voice-title">
        <SpeakerIcon size={14} /> {channelName ?? 'Voice'}
      </div>
      {voice.members.map((m) => (
        <OverlayVoiceMember key={m.userId} guildId={voice.guildId} member={m} />
      ))}
    </div>
  );
}

function OverlayVoiceMember({ guildId, member }: { guildId: string; member: VoiceMember }) {
  const relayed = useOverlayStore((s) => s.state.speaking.includes(member.userId));
  const local = useVoiceStore((s) => !!s.speaking[member.userId]);
  const speaking = relayed || local;
  const user = useMemberStore((s) => s.users[member.userId]);
  const guildMember = useMemberStore((s) => s.members[guildId]?.[member.userId]);
  const name = displayName(user, guildMember);
  const muted = member.mute || member.selfMute;
  const deafened = member.deaf || member.selfDeaf;
  return (
    <div className={`overlay-voice-member ${speaking ? 'speaking' : ''}`} data-testid="overlay-voice-member" data-speaking={speaking ? 'true' : 'false'}>
      <span className="overlay-avatar">
        <Avatar id={member.userId} name={name} size={24} />
      </span>
      <span className="overlay-name">{name}</span>
      {muted ? <MicOffIcon size={14} /> : null}
      {deafened ? <HeadphonesOffIcon size={14} /> : null}
    </div>
  );
}

function Notifications() {
  const notifications = useOverlayStore((s) => s.notifications);
  return (
    <div className="overlay-notifications" data-testid="overlay-notifications">
      {notifications.map((n) => (
        <div key={n.id} className="overlay-card overlay-notification" data-testid="overlay-notification">
          <div className="overlay-notification-title">{n.title}</div>
          <div className="overlay-notification-body">{n.body}</div>
        </div>
      ))}
    </div>
  );
}

function OverlayChat() {
  const notified = useOverlayStore((s) => s.chatChannelId);
  const voice = useOwnVoiceChannel();
  const channelId = notified ?? (voice ? defaultChannelFor(voice.guildId) : null);
  const perms = useChannelPermissions(channelId);
  const name = useGuildStore((s) => (channelId ? s.channels[channelId]?.name : undefined));
  useEffect(() => {
    if (channelId !== null) void openChannel(channelId);
  }, [channelId]);
  if (channelId === null) return <div className="overlay-card overlay-chat">No channel to show yet.</div>;
  return (
    <div className="overlay-card overlay-chat" data-testid="overlay-chat">
      <div className="overlay-chat-title">#{name ?? ''}</div>
      <MessageList channelId={channelId} />
      <Composer channelId={channelId} permissions={perms} onFiles={() => undefined} />
    </div>
  );
}
