// The "Voice Connected" panel above the user panel, as in Discord: connection state and quality
// (signal bars coloured by ping, the ping in ms), the channel / server names (click to open the
// server), and Disconnect. When the browser has not let the page play sound yet (a rejoin after a
// reload, no click since), a notice with "Enable Audio" says so instead of playing silently.
import { useSyncExternalStore } from 'react';
import { useGuildStore } from '../state/guildStore.ts';
import { navigateToChannel, navigateToGuild } from '../session/actions.ts';
import { dmName } from '../state/selectors.ts';
import { HOME } from '../state/uiStore.ts';
import { PhoneHangupIcon, SignalIcon } from '../ui/Icons.dom.tsx';
import { audioContextState, subscribeAudioState, unlockAudio } from './audioContext.dom.ts';
import { leaveVoice } from './voiceActions.ts';
import { VideoControls } from '../video/VideoControls.dom.tsx';
import { VideoStage } from '../video/VideoStage.dom.tsx';
import { useVoiceStore } from './voiceStore.ts';

/** Discord's colours for the signal bars: good under 100 ms, fair under 250 ms. */
function qualityOf(pingMs: number | null): 'good' | 'fair' | 'poor' | 'unknown' {
  if (pingMs === null) return 'unknown';
  return pingMs < 100 ? 'good' : pingMs < 250 ? 'fair' : 'poor';
}

export function VoiceConnectedPanel() {
  const conn = useVoiceStore((s) => s.connection);
  const channel = useGuildStore((s) => (conn.status === 'disconnected' ? undefined : s.channels[conn.channelId]));
  // A DM call: the DM's name alone (Discord shows "@name"), and a click opens the DM.
  const privateCall = channel !== undefined && !channel.guild_id;
  const channelName = channel === undefined ? '' : privateCall ? `@${dmName(channel)}` : (channel.name ?? '');
  const guildName = useGuildStore((s) => (conn.status === 'disconnected' ? '' : (s.guilds[conn.guildId]?.name ?? '')));
  const audioState = useSyncExternalStore(subscribeAudioState, audioContextState);
  if (conn.status === 'disconnected') return null;
  // 'none': no context yet (it is made in the joining click, or when the engine starts).
  const audioHeld = audioState !== 'running' && audioState !== 'none';
  const connected = conn.status === 'connected';
  const pingMs = connected ? conn.pingMs : null;
  const quality = connected ? qualityOf(pingMs) : 'connecting';
  const label = connected ? 'Voice Connected' : conn.status === 'joining' ? 'Connecting' : 'RTC Connecting';
  return (
    <section className="voice-panel" data-testid="voice-panel" data-status={conn.status} data-audio={audioState} aria-label="Voice connection">
      <div className="voice-panel-info">
        <div className={`voice-panel-status ${quality}`} title={pingMs === null ? label : `Ping ${pingMs} ms`}>
          <SignalIcon size={16} />
          <span data-testid="voice-panel-status">{label}</span>
          {pingMs !== null ? (
            <span className="voice-ping" data-testid="voice-ping">
              {pingMs} ms
            </span>
          ) : null}
        </div>
        <button className="voice-panel-where" data-testid="voice-panel-where" onClick={() => (privateCall ? navigateToChannel(HOME, conn.channelId) : navigateToGuild(conn.guildId))}>
          {privateCall ? channelName : `${channelName} / ${guildName}`}
        </button>
      </div>
      <button className="icon-button" aria-label="Disconnect" title="Disconnect" data-testid="voice-disconnect" onClick={leaveVoice}>
        <PhoneHangupIcon size={20} />
      </button>
      <VideoControls />
      <VideoStage />
      {audioHeld ? (
        <div className="voice-panel-audio" role="alert" data-testid="voice-audio-held">
          <span>Your browser holds sound back until you click.</span>
          <button className="voice-panel-enable" data-testid="voice-enable-audio" onClick={unlockAudio}>
            Enable Audio
          </button>
        </div>
      ) : null}
    </section>
  );
}
