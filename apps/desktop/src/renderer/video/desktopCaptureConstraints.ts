// The getUserMedia constraints for a desktop Go Live: Chromium's `chromeMediaSource: 'desktop'`
// with the source the user chose in the picker (a desktopCapturer id), within the stream quality.
// Plain data so the desktop test can check that the chosen id is what reaches getUserMedia.
import { isScreenCaptureSourceId } from '../../shared/screenCaptureBridge.ts';

/** Electron's legacy (but supported) mandatory constraints for a desktopCapturer source. */
export interface DesktopCaptureConstraints {
  audio: false;
  video: { mandatory: { chromeMediaSource: 'desktop'; chromeMediaSourceId: string; maxHeight: number; maxFrameRate: number } };
}

/** Null when `sourceId` is not a desktopCapturer id (nothing else may reach chromeMediaSourceId). */
export function desktopCaptureConstraints(sourceId: string, quality: { height: number; frameRate: number }): DesktopCaptureConstraints | null {
  if (!isScreenCaptureSourceId(sourceId)) return null;
  return { audio: false, video: { mandatory: { chromeMediaSource: 'desktop', chromeMediaSourceId: sourceId, maxHeight: quality.height, maxFrameRate: quality.frameRate } } };
}
