// The camera and Go Live buttons of the Voice Connected panel (and the DM call panel), with
// Discord's accessible names: "Turn On Camera" / "Turn Off Camera", "Share Your Screen" / "Stop
// Streaming". Without STREAM in the channel both are disabled with the reason as the tooltip (the
// server would refuse the source with 50013 anyway).
import { PermissionFlags } from '@concord/protocol';
import { has } from '../state/permissions.ts';
import { useChannel, useChannelPermissions } from '../state/selectors.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { shareScreen, stopStreaming, turnOffCamera, turnOnCamera } from './videoActions.ts';
import { useVideoStore } from './videoStore.ts';
import './video.css';

export const NO_STREAM_PERMISSION = 'You do not have permission to stream in this channel.';

export function VideoControls() {
  const conn = useVoiceStore((s) => s.connection);
  const channelId = conn.status === 'disconnected' ? null : conn.channelId;
  const channel = useChannel(channelId);
  const permissions = useChannelPermissions(channelId);
  const camera = useVideoStore((s) => s.camera !== null);
  const screen = useVideoStore((s) => s.screen !== null);
  const starting = useVideoStore((s) => s.starting);
  const refused = useVideoStore((s) => s.refused);
  if (conn.status === 'disconnected') return null;
  // DMs and group DMs have no permission overwrites: recipients may always stream.
  const allowed = channel !== undefined && (!channel.guild_id || has(permissions, PermissionFlags.STREAM));
  const cameraLabel = camera ? 'Turn Off Camera' : 'Turn On Camera';
  const screenLabel = screen ? 'Stop Streaming' : 'Share Your Screen';
  return (
    <div className="video-controls" data-testid="video-controls">
      <button
        className={`video-control ${camera ? 'on' : ''}`}
        aria-label={cameraLabel}
        title={allowed ? cameraLabel : NO_STREAM_PERMISSION}
        disabled={!allowed || starting !== null}
        data-testid="camera-toggle"
        onClick={() => void (camera ? turnOffCamera() : turnOnCamera())}
      >
        <svg width={18} height={18} viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 5a3 3 0 0 0-3 3v8a3 3 0 0 0 3 3h10a3 3 0 0 0 3-3v-1.4l4.4 3.3A1 1 0 0 0 23 17V7a1 1 0 0 0-1.6-.8L17 9.4V8a3 3 0 0 0-3-3H4Z" /></svg>
        <span>Video</span>
      </button>
      <button
        className={`video-control ${screen ? 'on' : ''}`}
        aria-label={screenLabel}
        title={allowed ? screenLabel : NO_STREAM_PERMISSION}
        disabled={!allowed || starting !== null}
        data-testid="screen-toggle"
        onClick={() => void (screen ? stopStreaming() : shareScreen())}
      >
        <svg width={18} height={18} viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M2 5a3 3 0 0 1 3-3h14a3 3 0 0 1 3 3v10a3 3 0 0 1-3 3h-6v2h3a1 1 0 1 1 0 2H8a1 1 0 1 1 0-2h3v-2H5a3 3 0 0 1-3-3V5Zm10 2-4 4h3v3h2v-3h3l-4-4Z" /></svg>
        <span>Screen</span>
      </button>
      {refused ? (
        <span className="video-refused" role="alert" data-testid="video-refused">
          {refused.code === 50013 ? NO_STREAM_PERMISSION : refused.message}
        </span>
      ) : null}
    </div>
  );
}
