// The video stage over the main column while in voice: a grid of the cameras and streams we see
// (our own captures as previews, remote ones from their receive slots), a focused view of one tile
// with Fullscreen (the Fullscreen API on the focused element) and, for our own Go Live, the quality
// picker (resolution and frame rate within op 4's screen limit). A focused Go Live shows who watches
// it (op 42: avatars and names), its tile the count. A Go Live nobody here watches yet is a preview
// card with "Watch Stream" (the only way to watch in a DM call, which has no voice member list).
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { StreamViewerCount } from './LiveBadge.dom.tsx';
import { useSessionStore } from '../state/sessionStore.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { activeVoiceEngine } from '../voice/voiceController.dom.ts';
import { stopWatching, watchStream } from './videoActions.ts';
import { STREAM_QUALITIES, tileKey, useVideoStore, type TileKey } from './videoStore.ts';
import type { VideoSourceType } from './videoDecoders.ts';

interface Tile { key: TileKey; userId: string; type: VideoSourceType; stream: MediaStream; own: boolean }

function useTiles(): Tile[] {
  const ownId = useSessionStore((s) => s.user?.id ?? '');
  const camera = useVideoStore((s) => s.camera);
  const screen = useVideoStore((s) => s.screen);
  const sinks = useVideoStore((s) => s.sinks);
  const tiles: Tile[] = [];
  if (camera) tiles.push({ key: tileKey(ownId, 'video'), userId: ownId, type: 'video', stream: camera, own: true });
  if (screen) tiles.push({ key: tileKey(ownId, 'screen'), userId: ownId, type: 'screen', stream: screen, own: true });
  for (const sink of Object.values(sinks)) tiles.push({ key: tileKey(sink.userId, sink.type), userId: sink.userId, type: sink.type, stream: sink.stream, own: false });
  return tiles;
}

/** Streamers who are live and not watched by us: their preview cards. */
function useUnwatchedStreams(): string[] {
  const sources = useVideoStore((s) => s.sources);
  const watching = useVideoStore((s) => s.watching);
  return Object.entries(sources).filter(([userId, s]) => s.screen !== undefined && !watching[userId]).map(([userId]) => userId);
}

/** Tallest simulcast layer asked for a tile in the strip beside a focused one, and in a grid of more than two. */
const STRIP_TILE_HEIGHT = 180;
const GRID_TILE_HEIGHT = 360;

/**
 * Tells the engine how big each remote stream is shown (op 15's max_height): the focused one and a
 * grid of one or two in full, a fuller grid and the strip beside a focused tile smaller, so the SFU
 * sends those a lower simulcast layer.
 */
function useTileHeights(tileCount: number, focused: TileKey | null): void {
  const sinks = useVideoStore((s) => s.sinks);
  useEffect(() => {
    // Engines without video have no max heights.
    const engine = activeVoiceEngine();
    if (engine?.setVideoMaxHeights === undefined) return;
    const focusedShown = focused !== null && Object.values(sinks).some((k) => tileKey(k.userId, k.type) === focused);
    const heights: Record<string, number> = {};
    for (const sink of Object.values(sinks)) {
      const isFocused = tileKey(sink.userId, sink.type) === focused;
      heights[String(sink.ssrc)] = isFocused ? 0 : focusedShown ? STRIP_TILE_HEIGHT : tileCount > 2 ? GRID_TILE_HEIGHT : 0;
    }
    engine.setVideoMaxHeights(heights);
  }, [sinks, tileCount, focused]);
}

export function VideoStage() {
  const connected = useVoiceStore((s) => s.connection.status !== 'disconnected');
  const tiles = useTiles();
  const unwatched = useUnwatchedStreams();
  const focused = useVideoStore((s) => s.focused);
  useTileHeights(tiles.length, focused);
  if (!connected || tiles.length + unwatched.length === 0) return null;
  const focusedTile = tiles.find((t) => t.key === focused);
  return createPortal(
    <section className="video-stage" aria-label="Video" data-testid="video-stage" data-focused={focusedTile ? 'true' : 'false'}>
      {focusedTile ? <FocusedTile tile={focusedTile} /> : null}
      <div className={`video-grid ${focusedTile ? 'strip' : ''}`} data-testid="video-grid">
        {tiles.filter((t) => t !== focusedTile).map((t) => (
          <VideoTile key={t.key} tile={t} onClick={() => useVideoStore.getState().focus(t.key)} />
        ))}
        {unwatched.map((userId) => (
          <StreamPreview key={userId} userId={userId} />
        ))}
      </div>
    </section>,
    document.body,
  );
}

function TileName({ userId, type, own }: { userId: string; type: VideoSourceType; own: boolean }) {
  const user = useMemberStore((s) => s.users[userId]);
  const viewerCount = useVideoStore((s) => (type === 'screen' ? (s.streamViewers[userId]?.viewerIds.length ?? 0) : 0));
  const name = own ? 'You' : displayName(user, undefined);
  return (
    <span className="video-tile-name">
      {type === 'screen' ? <span className="live-badge">LIVE</span> : null}
      {viewerCount > 0 ? <StreamViewerCount count={viewerCount} /> : null}
      {name}
    </span>
  );
}

const NO_VIEWERS: readonly string[] = [];

/** Who watches a focused Go Live (op 42), as Discord lists them over the stream. */
function StreamViewers({ userId }: { userId: string }) {
  const viewerIds = useVideoStore((s) => s.streamViewers[userId]?.viewerIds ?? NO_VIEWERS);
  const users = useMemberStore((s) => s.users);
  if (viewerIds.length === 0) return null;
  return (
    <ul className="stream-viewers" aria-label="Viewers" data-testid="stream-viewers">
      {viewerIds.map((id) => {
        const name = displayName(users[id], undefined);
        return (
          <li key={id} className="stream-viewer" data-testid="stream-viewer" data-user-id={id} title={name}>
            <Avatar id={id} name={name} size={24} />
            <span className="stream-viewer-name">{name}</span>
          </li>
        );
      })}
    </ul>
  );
}

function VideoElement({ stream, own, type }: { stream: MediaStream; own: boolean; type: VideoSourceType }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = stream;
    el.play().catch((err: unknown) => console.debug('video waits for a gesture', err));
  }, [stream]);
  // Our own camera is mirrored, as Discord shows it to you.
  return <video ref={ref} autoPlay muted playsInline className={own && type === 'video' ? 'mirrored' : ''} />;
}

function StreamPreview({ userId }: { userId: string }) {
  const user = useMemberStore((s) => s.users[userId]);
  const viewerCount = useVideoStore((s) => s.streamViewers[userId]?.viewerIds.length ?? 0);
  const name = displayName(user, undefined);
  return (
    <div className="video-tile stream-preview" data-testid="stream-preview" data-user-id={userId}>
      <span className="stream-preview-body">
        <span>
          <span className="live-badge">LIVE</span>
          {viewerCount > 0 ? <StreamViewerCount count={viewerCount} /> : null}
        </span>
        <span>{name} is streaming</span>
        <button className="button" onClick={() => watchStream(userId)}>
          Watch Stream
        </button>
      </span>
    </div>
  );
}

function VideoTile({ tile, onClick }: { tile: Tile; onClick: () => void }) {
  return (
    <button className="video-tile" data-testid="video-tile" data-tile={tile.key} data-type={tile.type} aria-label={`Focus ${tile.type === 'screen' ? 'stream' : 'camera'}`} onClick={onClick}>
      <VideoElement stream={tile.stream} own={tile.own} type={tile.type} />
      <TileName userId={tile.userId} type={tile.type} own={tile.own} />
    </button>
  );
}

function FocusedTile({ tile }: { tile: Tile }) {
  const ref = useRef<HTMLDivElement>(null);
  const quality = useVideoStore((s) => s.streamQuality);
  const limit = useVideoStore((s) => s.limits.screen);
  const choices = STREAM_QUALITIES.filter((q) => q.height <= limit.max_height && q.frameRate <= limit.max_framerate);
  return (
    <div className="video-focused" ref={ref} data-testid="video-focused" data-tile={tile.key}>
      <VideoElement stream={tile.stream} own={tile.own} type={tile.type} />
      <TileName userId={tile.userId} type={tile.type} own={tile.own} />
      {tile.type === 'screen' ? <StreamViewers userId={tile.userId} /> : null}
      <div className="video-focused-bar">
        {tile.own && tile.type === 'screen' ? (
          <label className="video-quality">
            Stream Quality
            <select
              data-testid="stream-quality"
              value={`${quality.height}p${quality.frameRate}`}
              onChange={(e) => {
                const q = choices.find((c) => `${c.height}p${c.frameRate}` === e.target.value);
                if (!q) return;
                useVideoStore.getState().setStreamQuality(q);
                activeVoiceEngine()?.setVideoQuality?.('screen', q);
              }}
            >
              {choices.map((c) => (
                <option key={`${c.height}p${c.frameRate}`} value={`${c.height}p${c.frameRate}`}>
                  {c.height}p {c.frameRate} FPS
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {!tile.own && tile.type === 'screen' ? (
          <button className="button secondary" data-testid="stop-watching" onClick={() => stopWatching(tile.userId)}>
            Stop Watching
          </button>
        ) : null}
        <button className="button secondary" aria-label="Full Screen" data-testid="video-fullscreen" onClick={() => void (document.fullscreenElement ? document.exitFullscreen() : ref.current?.requestFullscreen())}>
          Full Screen
        </button>
        <button className="button secondary" aria-label="Back to Grid" data-testid="video-unfocus" onClick={() => useVideoStore.getState().focus(null)}>
          Grid
        </button>
      </div>
    </div>
  );
}
