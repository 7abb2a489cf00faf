// The message port between the renderer's audio worklets and the native voice pipeline. In the app
// it is Electron's MessagePortMain (its 'message' listener gets `{ data }`); in headless tests it is
// a worker_threads MessagePort (its 'message' listener gets the value itself). Both are adapted to
// one small interface here, so the pipeline never knows which it talks to.
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';

/** What the pipeline needs of a port: post, listen, close. */
export interface PipelinePort {
  post(message: unknown): void;
  /** Registers the one listener (raw, unparsed data: the pipeline parses it). */
  onMessage(listener: (data: unknown) => void): void;
  close(): void;
}

/** The shape of Electron's MessagePortMain the adapter uses (structural: no Electron import). */
export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}

export function fromElectronPort(port: MessagePortMainLike): PipelinePort {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (event) => listener(event.data));
      // MessagePortMain queues messages until started.
      port.start();
    },
    close: () => port.close(),
  };
}

export function fromNodePort(port: NodeMessagePort): PipelinePort {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (data: unknown) => listener(data));
    },
    close: () => port.close(),
  };
}
