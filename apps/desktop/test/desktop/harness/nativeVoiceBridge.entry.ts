// Bundled (esbuild, IIFE) into the init script of the native voice e2e pages: the Electron
// preload's stand-in, as bindingBridge.entry.ts is, plus the one thing that one lacks, the voice
// frame port. Electron's preload makes a MessageChannel, hands one end to main with
// ipcRenderer.postMessage and the other to the page by window.postMessage; here the far end is a
// WebSocket to the test process (nativeVoiceRelay.ts), where a real VoicePipelineHost takes it.
// Frames cross as binary (Float32 capture, Int16 mix), everything else as JSON. The page's end is
// posted only once the relay says the host attached it, as main has it before start() arrives.
// `globalThis.__concordVoiceRelay` (set by an earlier init script) picks the relay, or a broken
// bridge for the fallback tests: `silent` never delivers a port. Test-only.
import { createDesktopBridge } from '../../../src/preload/createDesktopBridge.ts';
import type { IpcChannelName } from '../../../src/shared/ipcChannels.ts';
import { VOICE_PORT_WINDOW_MESSAGE } from '../../../src/shared/voiceBridge.ts';

type Invoke = (channel: IpcChannelName, args: readonly unknown[]) => Promise<unknown>;

declare const __CONCORD_BRIDGE_INFO__: { platform: string; version: string };

export interface VoiceRelayConfig {
  url: string;
  mode: 'relay' | 'silent';
}

const host = globalThis as unknown as { __concordIpc?: Invoke; __concordVoiceRelay?: VoiceRelayConfig };
const invoke: Invoke = (channel, args) => {
  if (host.__concordIpc === undefined) return Promise.reject(new Error('the desktop bridge binding is not installed'));
  return host.__concordIpc(channel, args);
};

/** What the page's MessagePort end carries, as WebSocket frames. */
function relay(port: MessagePort, socket: WebSocket): void {
  port.onmessage = (event: MessageEvent<unknown>) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    const data = event.data;
    const pcm: unknown = typeof data === 'object' && data !== null ? Reflect.get(data, 'pcm') : undefined;
    if (pcm instanceof Float32Array) socket.send(pcm);
    else socket.send(JSON.stringify(data));
  };
  socket.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) port.postMessage({ type: 'pcm', pcm: new Int16Array(event.data) });
    else if (typeof event.data === 'string') port.postMessage(JSON.parse(event.data));
  };
  socket.onclose = () => port.close();
}

function openVoicePort(): void {
  const config = host.__concordVoiceRelay;
  if (config === undefined || config.mode === 'silent') return;
  const socket = new WebSocket(config.url);
  socket.binaryType = 'arraybuffer';
  socket.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data !== 'attached') return;
    const { port1, port2 } = new MessageChannel();
    relay(port2, socket);
    window.postMessage({ type: VOICE_PORT_WINDOW_MESSAGE }, window.location.origin, [port1]);
  };
}

Object.defineProperty(globalThis, 'concord', {
  value: createDesktopBridge(invoke, { ...__CONCORD_BRIDGE_INFO__, openVoicePort }),
  writable: false,
  configurable: false,
  enumerable: true,
});
