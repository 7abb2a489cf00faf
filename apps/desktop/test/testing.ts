// `@concord/desktop/testing`: what benchmarks (bench/) and other packages' tests may use of the
// desktop app, so that none of them imports its internals. Node side only: the main-process
// services and IPC wiring a harness assembles, the desktop harness (renderer build, app host, the
// bridge stand-in, a spawned server) and the web client e2e harness. The in-page half is
// `@concord/desktop/testing/bridge`. Test and benchmark use only.
export { MessageCache } from '../src/services/cache/MessageCache.ts';
export { SettingsStore } from '../src/services/settings/SettingsStore.ts';
export { startPresenceAgent, type PresenceAgent } from '../src/services/presence/PresenceAgent.ts';
export { createIpcHandlers, type IpcHandlerTable } from '../src/main/ipc/createIpcHandlers.main.ts';
export { IpcSenderPolicy } from '../src/main/ipc/IpcSenderPolicy.main.ts';
export { runIpcHandler, type IpcFailureReporter } from '../src/main/ipc/runIpcHandler.main.ts';
export { createDesktopBridge } from '../src/preload/createDesktopBridge.ts';
export { GameDetector, createProcessScanner } from '../src/services/detection/index.ts';
export { startAppHost, type AppHost } from './desktop/harness/AppHost.ts';
export { buildRenderer } from './desktop/harness/buildRenderer.ts';
export { bundleBridgeInitScript, exposeDesktopBridge, type ExposedBridge } from './desktop/harness/exposeDesktopBridge.ts';
export { spawnServer, type SpawnedServer } from './desktop/harness/spawnServer.ts';
export {
  buildWebClient,
  makePng,
  messageWithText,
  openSignedInPage,
  openUserPage,
  registerThroughUi,
  registerViaApi,
  send,
  startTestServer,
  type TestServer,
  type UserPage,
} from './web/harness.ts';
