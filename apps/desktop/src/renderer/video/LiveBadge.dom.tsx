// Beside a voice member's name: a camera mark while their camera is on, "LIVE" while they Go Live,
// and "Watch Stream" (shown on hover, and on the badge's click) to watch it.
import { watchStream } from './videoActions.ts';
import { useVideoStore } from './videoStore.ts';

export function LiveBadge({ userId, selfVideo, selfStream, own }: { userId: string; selfVideo: boolean; selfStream: boolean; own: boolean }) {
  const watching = useVideoStore((s) => !!s.watching[userId]);
  const announced = useVideoStore((s) => s.sources[userId]?.screen !== undefined);
  return (
    <>
      {selfVideo ? (
        <span className="video-camera-mark" title="Camera On" data-testid="voice-camera-icon">
          <svg width={14} height={14} viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 5a3 3 0 0 0-3 3v8a3 3 0 0 0 3 3h10a3 3 0 0 0 3-3v-1.4l4.4 3.3A1 1 0 0 0 23 17V7a1 1 0 0 0-1.6-.8L17 9.4V8a3 3 0 0 0-3-3H4Z" /></svg>
        </span>
      ) : null}
      {selfStream ? (
        <>
          <span className="live-badge" data-testid="voice-live">LIVE</span>
          {!own && announced && !watching ? (
            <button className="watch-stream" data-testid="watch-stream" onClick={(e) => { e.stopPropagation(); watchStream(userId); }}>
              Watch Stream
            </button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
