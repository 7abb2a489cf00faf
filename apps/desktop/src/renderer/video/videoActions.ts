// What the user does with video, as plain functions (components call these): camera on and off
// (getUserMedia with the camera picked in Voice & Video, within op 4's camera limit), Go Live
// (the desktop's screen/window picker through bridge.screenCapture, else getDisplayMedia) and
// Stop Streaming, watching a member's stream. The voice controller moves the captures onto the
// engine; op 4's self_video / self_stream follow here.
import { getBridge } from '../bridge/bridge.ts';
import { useUiStore } from '../state/uiStore.ts';
import { sendFlagsIfInVoice } from '../voice/voiceActions.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { cameraDeviceId } from './cameraDevice.ts';
import type { VideoSourceType } from './videoDecoders.ts';
import { useVideoStore } from './videoStore.ts';
import { pickDesktopSource } from './desktopSourcePicker.dom.tsx';
import { desktopCaptureConstraints } from './desktopCaptureConstraints.ts';

const inVoice = () => useVoiceStore.getState().connection.status !== 'disconnected';

function captured(type: VideoSourceType, stream: MediaStream): void {
  if (!inVoice()) {
    stream.getTracks().forEach((t) => t.stop());
    return;
  }
  // The browser's own "Stop sharing" bar (or an unplugged camera) ends the track: the source goes off.
  for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => { if (useVideoStore.getState()[type === 'video' ? 'camera' : 'screen'] === stream) stopVideo(type); });
  useVideoStore.getState().setCapture(type, stream);
  sendFlagsIfInVoice();
}

async function capture(type: VideoSourceType, open: () => Promise<MediaStream | null>): Promise<void> {
  const store = useVideoStore.getState();
  if (store.starting !== null || !inVoice()) return;
  store.setStarting(type);
  try {
    const stream = await open();
    if (stream) captured(type, stream);
  } catch (err) {
    // The user closing the picker is not an error worth a toast.
    if (!(err instanceof DOMException && err.name === 'NotAllowedError')) useUiStore.getState().showToast(type === 'video' ? 'Could not turn on your camera' : 'Could not share your screen');
    console.warn(`${type} capture failed`, err);
  } finally {
    useVideoStore.getState().setStarting(null);
  }
}

/** "Turn On Camera". */
export function turnOnCamera(): Promise<void> {
  const limit = useVideoStore.getState().limits.video;
  const deviceId = cameraDeviceId();
  return capture('video', () =>
    navigator.mediaDevices.getUserMedia({
      video: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), width: { ideal: limit.max_width, max: limit.max_width }, height: { ideal: limit.max_height, max: limit.max_height }, frameRate: { ideal: limit.max_framerate, max: limit.max_framerate } },
    }),
  );
}

/** "Share Your Screen": the desktop's picker (desktopCapturer) when the bridge has one, else the browser's. */
export function shareScreen(): Promise<void> {
  const { limits, streamQuality } = useVideoStore.getState();
  const height = Math.min(streamQuality.height, limits.screen.max_height);
  const frameRate = Math.min(streamQuality.frameRate, limits.screen.max_framerate);
  const screenCapture = getBridge().screenCapture;
  return capture('screen', async () => {
    if (screenCapture) {
      const source = await pickDesktopSource(screenCapture);
      if (source === null) return null;
      // Electron's desktop capture: the chosen source id through Chromium's chromeMediaSource constraints.
      const constraints = desktopCaptureConstraints(source, { height, frameRate });
      if (constraints === null) throw new Error(`not a desktop source id: ${source.slice(0, 40)}`);
      // The mandatory form is Chromium's own, outside the DOM typings.
      return navigator.mediaDevices.getUserMedia(constraints as unknown as MediaStreamConstraints);
    }
    return navigator.mediaDevices.getDisplayMedia({ video: { height: { max: height }, frameRate: { max: frameRate } }, audio: false });
  });
}

/** "Turn Off Camera" / "Stop Streaming". */
export function stopVideo(type: VideoSourceType): void {
  useVideoStore.getState().setCapture(type, null);
  sendFlagsIfInVoice();
}

export const turnOffCamera = () => stopVideo('video');
export const stopStreaming = () => stopVideo('screen');

/** "Watch Stream" on a member who is live. */
export function watchStream(userId: string): void {
  useVideoStore.getState().watch(userId, true);
}

export function stopWatching(userId: string): void {
  useVideoStore.getState().watch(userId, false);
}
