// Beside a voice member's name: a camera mark while their camera is on, "LIVE" while they Go Live
// with how many watch it (op 42), and "Watch Stream" (shown on hover, and on the badge's click) to watch it.
import { watchStream } from './videoActions.ts';
import { useVideoStore } from './videoStore.ts';

export function LiveBadge({ userId, selfVideo, selfStream, own }: { userId: string; selfVideo: boolean; selfStream: boolean; own: boolean }) {
  const watching = useVideoStore((s) => !!s.watching[userId]);
  const announced = useVideoStore((s) => s.sources[userId]?.screen !== undefined);
  const viewerCount = useVideoStore((s) => s.streamViewers[userId]?.viewerIds.length ?? 0);
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
          {viewerCount > 0 ? <StreamViewerCount count={viewerCount} /> : null}
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

/** An eye and the number of viewers, as on Discord's LIVE badge. */
export function StreamViewerCount({ count }: { count: number }) {
  const label = `${String(count)} ${count === 1 ? 'viewer' : 'viewers'}`;
  return (
    <span className="stream-viewer-count" title={label} aria-label={label} data-testid="stream-viewer-count">
      <svg width={12} height={12} viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 5C6.5 5 2.7 9.1 1.3 11.4a1.2 1.2 0 0 0 0 1.2C2.7 14.9 6.5 19 12 19s9.3-4.1 10.7-6.4a1.2 1.2 0 0 0 0-1.2C21.3 9.1 17.5 5 12 5Zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8Z" /></svg>
      {count}
    </span>
  );
}
