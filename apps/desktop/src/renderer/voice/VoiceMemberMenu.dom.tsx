// Right-click on a member in a voice channel: per-user volume (0-200 %) and local mute for others
// (kept on this device), and for moderators Server Mute / Server Deafen / Disconnect / Move To,
// which PATCH the member (the server checks MUTE_MEMBERS, DEAFEN_MEMBERS and MOVE_MEMBERS too).
import { ChannelType, PermissionFlags } from '@concord/protocol';
import { useShallow } from 'zustand/react/shallow';
import { useGuildStore } from '../state/guildStore.ts';
import { has } from '../state/permissions.ts';
import { useGuildPermissions } from '../state/selectors.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { copyText } from '../session/actions.ts';
import { MenuItem, closeContextMenu, runOrToast } from '../ui/Menu.dom.tsx';
import { moderateVoiceMember } from './voiceActions.ts';
import { DEFAULT_USER_AUDIO, useVoiceStore } from './voiceStore.ts';

export function VoiceMemberMenu({ guildId, userId }: { guildId: string; userId: string }) {
  const selfId = useSessionStore((s) => s.user?.id ?? null);
  const state = useVoiceStore((s) => s.states[guildId]?.[userId]);
  const audio = useVoiceStore((s) => s.userAudio[userId] ?? DEFAULT_USER_AUDIO);
  const perms = useGuildPermissions(guildId);
  const voiceChannels = useGuildStore(
    useShallow((s) => Object.values(s.channels).filter((c) => c.guild_id === guildId && c.type === ChannelType.GUILD_VOICE && c.id !== state?.channelId)),
  );
  const isSelf = userId === selfId;
  const canMute = has(perms, PermissionFlags.MUTE_MEMBERS);
  const canDeafen = has(perms, PermissionFlags.DEAFEN_MEMBERS);
  const canMove = has(perms, PermissionFlags.MOVE_MEMBERS);
  return (
    <>
      {!isSelf ? (
        <>
          <div className="mi-slider" data-testid="voice-user-volume">
            <label htmlFor="voice-user-volume">User Volume</label>
            <input
              id="voice-user-volume"
              type="range"
              min={0}
              max={200}
              value={audio.volume}
              aria-label="User Volume"
              onChange={(e) => useVoiceStore.getState().setUserAudio(userId, { volume: Number(e.target.value) })}
            />
            <span>{audio.volume}%</span>
          </div>
          <button
            className="mi"
            role="menuitemcheckbox"
            aria-checked={audio.localMute}
            data-testid="voice-local-mute"
            onClick={() => useVoiceStore.getState().setUserAudio(userId, { localMute: !audio.localMute })}
          >
            Mute <span className={`checkbox ${audio.localMute ? 'on' : ''}`} aria-hidden="true" />
          </button>
        </>
      ) : null}
      {state && (canMute || canDeafen || canMove) ? <div className="sep" /> : null}
      {state && canMute ? (
        <button className="mi danger" role="menuitemcheckbox" aria-checked={state.mute} data-testid="voice-server-mute" onClick={() => { closeContextMenu(); runOrToast(moderateVoiceMember(guildId, userId, { mute: !state.mute })); }}>
          Server Mute <span className={`checkbox ${state.mute ? 'on' : ''}`} aria-hidden="true" />
        </button>
      ) : null}
      {state && canDeafen ? (
        <button className="mi danger" role="menuitemcheckbox" aria-checked={state.deaf} data-testid="voice-server-deafen" onClick={() => { closeContextMenu(); runOrToast(moderateVoiceMember(guildId, userId, { deaf: !state.deaf })); }}>
          Server Deafen <span className={`checkbox ${state.deaf ? 'on' : ''}`} aria-hidden="true" />
        </button>
      ) : null}
      {state && canMove ? (
        <>
          <MenuItem label="Disconnect" danger testId="voice-disconnect-member" onClick={() => runOrToast(moderateVoiceMember(guildId, userId, { channel_id: null }))} />
          {voiceChannels.length > 0 ? <div className="mi-heading">Move To</div> : null}
          {voiceChannels.map((c) => (
            <MenuItem key={c.id} label={c.name ?? c.id} testId="voice-move-to" onClick={() => runOrToast(moderateVoiceMember(guildId, userId, { channel_id: c.id }))} />
          ))}
        </>
      ) : null}
      <div className="sep" />
      <MenuItem label="Copy User ID" testId="menu-copy-user-id" onClick={() => copyText(userId, 'User ID')} />
    </>
  );
}
