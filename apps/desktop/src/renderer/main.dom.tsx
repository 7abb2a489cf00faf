// Renderer entry: applies the saved theme, resumes a stored session and mounts the app.
import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import './styles/app.css';
import './styles/bots.css';
import './styles/people.css';
import './styles/voice.css';
import { App } from './App.dom.tsx';
import { getBridge } from './bridge/bridge.ts';
import { startSession, storedToken } from './session/ConcordSession.ts';
import { useUiStore } from './state/uiStore.ts';
import { captureInviteFromUrl } from './guild/inviteLink.ts';
import { installDebugHooks } from './debug/debugHooks.ts';
import { isOverlayRoute } from './overlay/overlayRoute.ts';

async function boot(): Promise<void> {
  // The desktop's game overlay window loads this same build at #/overlay.
  if (isOverlayRoute()) return (await import('./overlay/bootOverlay.dom.tsx')).bootOverlay(document.getElementById('root') ?? document.body);
  captureInviteFromUrl();
  installDebugHooks();
  const settings = await getBridge().settings.get();
  useUiStore.getState().setSettings(settings);
  const token = storedToken();
  if (token) await startSession(token);
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

boot().catch((err: unknown) => {
  console.error('Concord failed to start', err);
  document.body.textContent = `Concord failed to start: ${err instanceof Error ? err.message : String(err)}`;
});
