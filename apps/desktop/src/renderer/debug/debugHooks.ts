// `window.__concordDebug`: a small handle for tests, benchmarks and the developer console.
// It exposes the stores (the page's own state; nothing here grants access the page's scripts
// would not already have) and a few measurements such as how many message rows are mounted.
import type { APIMessage } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { currentChannelId, useUiStore } from '../state/uiStore.ts';
import { decodeFailures } from '../session/decoders.ts';
import { useVideoStore } from '../video/videoStore.ts';
import { useVoiceStore } from '../voice/voiceStore.ts';
import { activeVoiceEngine } from '../voice/voiceController.dom.ts';
import { NativeVoiceEngine } from '../voice/NativeVoiceEngine.dom.ts';
import { WebRtcVoiceEngine } from '../voice/WebRtcVoiceEngine.dom.ts';
import { soundsPlayed } from '../voice/voiceSounds.dom.ts';

export interface ConcordDebug {
  stores: {
    guilds: typeof useGuildStore;
    messages: typeof useMessageStore;
    session: typeof useSessionStore;
    ui: typeof useUiStore;
    voice: typeof useVoiceStore;
    video: typeof useVideoStore;
  };
  /** The WebRTC voice engine's getStats() totals (null when not in voice). */
  voiceStats(): Promise<Awaited<ReturnType<WebRtcVoiceEngine['stats']>> | null>;
  /** The desktop's native voice engine: pipeline and worklet figures (null when it is not the one in voice). */
  nativeVoiceStats(): Promise<Awaited<ReturnType<NativeVoiceEngine['stats']>> | null>;
  /** Voice sounds played since load (join, leave, mute ...). */
  voiceSounds(): string[];
  currentChannelId(): string | null;
  /** Replaces the open channel's window with `messages` (benchmarks: huge channels). */
  loadSyntheticMessages(channelId: string, messages: APIMessage[], options?: { hasMoreBefore?: boolean }): void;
  setMaxMessagesPerChannel(max: number): void;
  /** Row elements currently in the DOM of the message list. */
  mountedMessageRows(): number;
  decodeFailures(): Record<string, number>;
}

declare global {
  interface Window {
    __concordDebug?: ConcordDebug;
  }
}

export function installDebugHooks(): void {
  window.__concordDebug = {
    stores: { guilds: useGuildStore, messages: useMessageStore, session: useSessionStore, ui: useUiStore, voice: useVoiceStore, video: useVideoStore },
    async voiceStats() {
      const engine = activeVoiceEngine();
      return engine instanceof WebRtcVoiceEngine ? engine.stats() : null;
    },
    async nativeVoiceStats() {
      const engine = activeVoiceEngine();
      return engine instanceof NativeVoiceEngine ? engine.stats() : null;
    },
    voiceSounds: () => [...soundsPlayed],
    currentChannelId,
    loadSyntheticMessages(channelId, messages, options = {}) {
      useMessageStore.setState((s) => ({
        byChannel: {
          ...s.byChannel,
          [channelId]: { messages, phase: 'loaded', hasMoreBefore: options.hasMoreBefore ?? false, hasMoreAfter: false, loadingOlder: false, offline: false },
        },
      }));
    },
    setMaxMessagesPerChannel(max) {
      useMessageStore.setState({ maxMessagesPerChannel: max });
    },
    mountedMessageRows: () => document.querySelectorAll('[data-testid=message-list] [data-vkey]').length,
    decodeFailures: () => Object.fromEntries(decodeFailures),
  };
}
