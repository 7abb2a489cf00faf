// The overlay window's entry. It runs its own session with the token the app window stored (same
// origin, same localStorage): REST, a gateway connection and the renderer's own dispatch into the
// shared stores, so voice states, names and messages arrive as in the app window without a relay
// for each. Why not a relay from main: the stores, decoders and chat components already exist for a
// session; only "who is speaking" (heard on the voice connection, which the app window alone has)
// comes from main. Unlike the app window it starts no voice controller (it never joins voice) and
// its bridge turns OS notifications into overlay notifications and leaves the badge alone.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConcordApi, GatewayClient } from '@concord/client';
import type { DesktopBridge } from '../../shared/bridge.ts';
import { NO_NATIVE_VOICE } from '../../shared/voiceBridge.ts';
import { getBridge, setBridge } from '../bridge/bridge.ts';
import { setCurrentSession } from '../session/currentSession.ts';
import { storedToken } from '../session/ConcordSession.ts';
import { applyReady, handleDispatch } from '../session/dispatch.ts';
import { apiBaseUrl, gatewayOrigin } from '../session/serverUrl.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { OverlayApp } from './OverlayApp.dom.tsx';
import { useOverlayStore } from './overlayStore.ts';

export async function bootOverlay(root: HTMLElement): Promise<void> {
  document.documentElement.classList.add('overlay-window');
  const base = getBridge();
  const bridge: DesktopBridge = {
    ...base,
    notifications: {
      show: async ({ title, body, channelId }) => {
        if (useUiStore.getState().settings.overlay.notifications) useOverlayStore.getState().notify({ title, body, channelId });
      },
    },
    // The overlay is never "the focused app" for notifications, and the badge is the app window's.
    window: { isFocused: async () => false, setBadgeCount: async () => undefined },
    voice: NO_NATIVE_VOICE,
  };
  setBridge(bridge);
  base.overlay?.onState((state) => useOverlayStore.getState().setState(state));
  useUiStore.getState().setSettings(await bridge.settings.get());
  const token = storedToken();
  if (token !== null) {
    const api = new ConcordApi({ baseUrl: apiBaseUrl(), token });
    const gateway = new GatewayClient({
      url: `${gatewayOrigin()}/gateway`,
      token,
      encoding: 'bin',
      properties: { os: bridge.platform, browser: 'Concord Overlay', device: '' },
      presence: { status: useSessionStore.getState().selfStatus, activities: [], since: null, afk: false },
    });
    setCurrentSession({ api, gateway, bridge, token });
    useSessionStore.getState().setSession({ status: 'connecting', token });
    gateway.on('ready', (ready) => applyReady(ready));
    gateway.on('dispatchEvent', (event) => {
      if (event.t !== 'READY') handleDispatch(event.t, event.d);
    });
    gateway.connect();
  }
  createRoot(root).render(
    <StrictMode>
      <OverlayApp signedIn={token !== null} />
    </StrictMode>,
  );
}
