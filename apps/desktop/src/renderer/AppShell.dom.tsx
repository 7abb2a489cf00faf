// The signed-in layout (rail | sidebar | chat | members) plus everything that floats above it:
// modals, settings, menus, the quick switcher, the lightbox and toasts. Global shortcuts live here.
import { useEffect } from 'react';
import { ServerRail } from './guild/ServerRail.dom.tsx';
import { ChannelSidebar } from './guild/ChannelSidebar.dom.tsx';
import { DMSidebar } from './dm/DMSidebar.dom.tsx';
import { ChatView } from './chat/ChatView.dom.tsx';
import { HomeView } from './dm/HomeView.dom.tsx';
import { ContextMenu } from './ContextMenu.dom.tsx';
import { EmojiPicker } from './emoji/EmojiPicker.dom.tsx';
import { QuickSwitcher } from './guild/QuickSwitcher.dom.tsx';
import { Lightbox } from './chat/Lightbox.dom.tsx';
import { Toast } from './ui/Toast.dom.tsx';
import { IncomingCall } from './dm/IncomingCall.dom.tsx';
import { ModalHost } from './ModalHost.dom.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.dom.tsx';
import { HOME, useUiStore } from './state/uiStore.ts';
import { useGuildStore } from './state/guildStore.ts';
import { useTypingStore } from './chat/typingStore.ts';
import { useCurrentChannelId } from './state/selectors.ts';
import { navigateToChannel } from './session/actions.ts';
import { ackVisibleChannel } from './chat/readStates.ts';
import { moveChannel } from './guild/channelNavigation.ts';

export function AppShell() {
  const guildId = useUiStore((s) => s.selectedGuildId);
  const channelId = useCurrentChannelId();
  const channelKnown = useGuildStore((s) => (channelId ? !!s.channels[channelId] : false));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ui = useUiStore.getState();
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        ui.setQuickSwitcher(!ui.quickSwitcherOpen);
        return;
      }
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        moveChannel(e.key === 'ArrowUp' ? -1 : 1);
        return;
      }
      if (e.key === 'Escape') {
        if (ui.contextMenu) ui.setContextMenu(null);
        else if (ui.reactionPicker) ui.setReactionPicker(null);
        else if (ui.lightbox) ui.setLightbox(null);
        else if (ui.quickSwitcherOpen) ui.setQuickSwitcher(false);
        else if (ui.modal) ui.closeModal();
        else if (ui.pinsOpen) ui.togglePins();
      }
    };
    const onFocus = () => ackVisibleChannel();
    const onOpenChannel = (e: Event) => {
      const id = (e as CustomEvent<unknown>).detail;
      if (typeof id !== 'string') return;
      const c = useGuildStore.getState().channels[id];
      if (c) navigateToChannel(c.guild_id ?? HOME, id);
    };
    const typingTimer = setInterval(() => useTypingStore.getState().expire(Date.now()), 1000);
    window.addEventListener('keydown', onKey);
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    window.addEventListener('concord:open-channel', onOpenChannel);
    return () => {
      clearInterval(typingTimer);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
      window.removeEventListener('concord:open-channel', onOpenChannel);
    };
  }, []);

  const isHome = guildId === HOME;
  return (
    <div className="app" onContextMenu={(e) => e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement || e.preventDefault()}>
      <ServerRail />
      <div className="layer-base">
        {isHome ? <DMSidebar /> : <ChannelSidebar guildId={guildId} />}
        <ErrorBoundary area="the chat" resetKey={channelId ?? guildId}>
          {channelId && channelKnown ? <ChatView key={channelId} channelId={channelId} /> : isHome ? <HomeView /> : <NoChannel />}
        </ErrorBoundary>
      </div>
      <ErrorBoundary area="this dialog">
        <ModalHost />
      </ErrorBoundary>
      <ContextMenu />
      <EmojiPicker />
      <QuickSwitcher />
      <Lightbox />
      <IncomingCall />
      <Toast />
    </div>
  );
}

function NoChannel() {
  return (
    <main className="chat">
      <div className="empty-state">
        <h2>No text channels</h2>
        <div>You find yourself in a strange place. You don&apos;t have access to any text channels, or there are none in this server.</div>
      </div>
    </main>
  );
}
