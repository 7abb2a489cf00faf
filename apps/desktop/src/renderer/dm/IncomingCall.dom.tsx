// The incoming-call card, on every page of the signed-in app while a DM or group DM call rings this
// user: the caller's avatar and name, Accept and Decline, and the ring sound (once the page may play
// sound). Accept joins the call and opens its DM; Decline stops ringing for this user.
import { useEffect, useState } from 'react';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { dmName } from '../state/selectors.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { HOME } from '../state/uiStore.ts';
import { navigateToChannel } from '../session/actions.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { PhoneHangupIcon } from '../ui/Icons.dom.tsx';
import { unlockAudio } from '../voice/audioContext.dom.ts';
import { declineCall, startOrJoinCall } from './callActions.ts';
import { PhoneCallIcon } from './CallIcons.dom.tsx';
import { incomingCall, useCallStore } from './callStore.ts';
import { startRinging } from './ringSound.dom.ts';
import './call.css';

export function IncomingCall() {
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const call = useCallStore((s) => incomingCall(s.calls, selfId));
  const channel = useGuildStore((s) => (call ? s.channels[call.channelId] : undefined));
  // The caller: who is in the call (the first joiner started it).
  const callerId = call?.voiceStates[0]?.userId ?? '';
  const caller = useMemberStore((s) => s.users[callerId]);
  const ringingFor = call?.channelId ?? null;
  const [ringsPlayed, setRingsPlayed] = useState(0);

  useEffect(() => {
    if (ringingFor === null) return undefined;
    setRingsPlayed(0);
    return startRinging(() => setRingsPlayed((n) => n + 1));
  }, [ringingFor]);

  if (!call || !channel) return null;
  const callerName = displayName(caller);
  const group = (channel.recipients?.length ?? 0) > 1;
  return (
    <div className="incoming-call" role="alertdialog" aria-label={`Incoming call from ${callerName}`} data-testid="incoming-call" data-channel-id={call.channelId} data-rings-played={ringsPlayed}>
      <div className="incoming-call-avatar">
        <Avatar id={callerId || call.channelId} name={callerName} size={80} />
      </div>
      <div className="incoming-call-name" data-testid="incoming-call-name">
        {callerName}
      </div>
      <div className="incoming-call-sub">{group ? `Incoming call in ${dmName(channel)}…` : 'Incoming Call…'}</div>
      <div className="incoming-call-actions">
        <button className="call-button hangup" aria-label="Decline" title="Decline" data-testid="call-decline" onClick={() => void declineCall(call.channelId)}>
          <PhoneHangupIcon size={22} />
        </button>
        <button
          className="call-button accept"
          aria-label="Accept"
          title="Accept"
          data-testid="call-accept"
          onClick={() => {
            unlockAudio();
            startOrJoinCall(call.channelId);
            navigateToChannel(HOME, call.channelId);
          }}
        >
          <PhoneCallIcon size={22} />
        </button>
      </div>
    </div>
  );
}
