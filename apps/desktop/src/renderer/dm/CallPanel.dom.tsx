// The call panel at the top of a DM or group DM while a call goes on, as Discord shows it: the
// participants' avatars with a green ring while they speak, who is being rung, and the controls
// (Mute, Deafen, Leave Call) for a participant, or Join Call for a recipient who is not in it.
import { useShallow } from 'zustand/react/shallow';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { HeadphonesIcon, HeadphonesOffIcon, MicIcon, MicOffIcon, PhoneHangupIcon } from '../ui/Icons.dom.tsx';
import { leaveVoice, toggleSelfDeafen, toggleSelfMute } from '../voice/voiceActions.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { startOrJoinCall } from './callActions.ts';
import { PhoneCallIcon } from './CallIcons.dom.tsx';
import { useCallStore } from './callStore.ts';
import './call.css';

export function CallPanel({ channelId }: { channelId: string }) {
  const call = useCallStore((s) => s.calls[channelId]);
  const connectedHere = useVoiceStore((s) => s.connection.status !== 'disconnected' && s.connection.guildId === channelId);
  const connected = useVoiceStore((s) => s.connection.status === 'connected' && s.connection.guildId === channelId);
  const { selfMute, selfDeaf } = useVoiceStore(useShallow((s) => ({ selfMute: s.selfMute, selfDeaf: s.selfDeaf })));
  if (!call) return null;
  const inCall = connectedHere;
  return (
    <section className="call-panel" data-testid="call-panel" data-channel-id={channelId} data-in-call={inCall ? 'true' : 'false'} data-connected={connected ? 'true' : 'false'} aria-label="Call">
      <div className="call-participants">
        {call.voiceStates.map((v) => (
          <CallParticipant key={v.userId} userId={v.userId} muted={v.selfMute} deafened={v.selfDeaf} />
        ))}
        {call.ringing.map((id) => (
          <CallParticipant key={`ring-${id}`} userId={id} ringing />
        ))}
      </div>
      <div className="call-controls">
        {inCall ? (
          <>
            <button className={`call-button ${selfMute ? 'active' : ''}`} aria-label={selfMute ? 'Unmute' : 'Mute'} title={selfMute ? 'Unmute' : 'Mute'} aria-pressed={selfMute} data-testid="call-mute" onClick={toggleSelfMute}>
              {selfMute ? <MicOffIcon size={22} /> : <MicIcon size={22} />}
            </button>
            <button className={`call-button ${selfDeaf ? 'active' : ''}`} aria-label={selfDeaf ? 'Undeafen' : 'Deafen'} title={selfDeaf ? 'Undeafen' : 'Deafen'} aria-pressed={selfDeaf} data-testid="call-deafen" onClick={toggleSelfDeafen}>
              {selfDeaf ? <HeadphonesOffIcon size={22} /> : <HeadphonesIcon size={22} />}
            </button>
            <button className="call-button hangup" aria-label="Leave Call" title="Leave Call" data-testid="call-leave" onClick={leaveVoice}>
              <PhoneHangupIcon size={22} />
            </button>
          </>
        ) : (
          <button className="call-button join" aria-label="Join Call" title="Join Call" data-testid="call-join" onClick={() => startOrJoinCall(channelId)}>
            <PhoneCallIcon size={22} />
          </button>
        )}
      </div>
    </section>
  );
}

function CallParticipant({ userId, muted = false, deafened = false, ringing = false }: { userId: string; muted?: boolean; deafened?: boolean; ringing?: boolean }) {
  const user = useMemberStore((s) => s.users[userId]);
  const speaking = useVoiceStore((s) => !ringing && !!s.speaking[userId]);
  const name = displayName(user);
  const state = ringing ? 'ringing' : speaking ? 'speaking' : 'idle';
  return (
    <div className={`call-participant ${state}`} data-testid="call-participant" data-user-id={userId} data-state={state} title={ringing ? `Ringing ${name}…` : name}>
      <Avatar id={userId} name={name} size={80} />
      <span className="call-participant-name">{name}</span>
      {muted || deafened ? (
        <span className="call-participant-flag" aria-label={deafened ? 'Deafened' : 'Muted'}>
          {deafened ? <HeadphonesOffIcon size={14} /> : <MicOffIcon size={14} />}
        </span>
      ) : null}
    </div>
  );
}
