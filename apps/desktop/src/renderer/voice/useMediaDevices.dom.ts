// The microphones, speakers and cameras Voice & Video lists, kept current: listed on mount and
// again on every `devicechange` (a headset plugged in or out while the page is open), the newest
// listing winning when two overlap.
import { useEffect, useState } from 'react';

export interface MediaDevicesState {
  devices: MediaDeviceInfo[];
  error: string | null;
}

export function useMediaDevices(): MediaDevicesState {
  const [state, setState] = useState<MediaDevicesState>({ devices: [], error: null });
  useEffect(() => {
    // Missing outside secure contexts (plain http on a LAN address), whatever the DOM types say.
    if (!('mediaDevices' in navigator) || !('enumerateDevices' in navigator.mediaDevices)) {
      setState({ devices: [], error: 'This browser does not expose media devices.' });
      return;
    }
    const media = navigator.mediaDevices;
    let latest = 0;
    let live = true;
    const refresh = () => {
      const request = ++latest;
      media.enumerateDevices().then(
        (devices) => {
          if (live && request === latest) setState({ devices, error: null });
        },
        (error: unknown) => {
          if (live && request === latest) setState((previous) => ({ devices: previous.devices, error: error instanceof Error ? error.message : String(error) }));
        },
      );
    };
    refresh();
    media.addEventListener('devicechange', refresh);
    return () => {
      live = false;
      media.removeEventListener('devicechange', refresh);
    };
  }, []);
  return state;
}
