// The desktop's presence services in one call: the ActivityHub with the user's settings and the
// local RPC server feeding it. The desktop's renderer session sends the hub's list (through the
// activity bridge); the headless agent (PresenceAgent) sends it on a gateway session of its own.
import type { ActivityInput } from '@concord/protocol';
import { startRpcServer, type RpcServerOptions, type RunningRpcServer } from '../rpc/RpcServer.ts';
import { ActivityHub, type ActivitySettings } from './ActivityHub.ts';

export interface PresenceServicesOptions extends Omit<RpcServerOptions, 'sink'> {
  settings: ActivitySettings;
  /** Called with the shared list on every change (the desktop forwards it to the renderer). */
  onActivities?: (activities: readonly ActivityInput[]) => void;
}

export interface PresenceServices {
  readonly hub: ActivityHub;
  readonly rpc: RunningRpcServer;
  close(): Promise<void>;
}

export async function startPresenceServices(options: PresenceServicesOptions): Promise<PresenceServices> {
  const { settings, onActivities, ...rpcOptions } = options;
  const hub = new ActivityHub(settings);
  const unsubscribe = onActivities === undefined ? () => undefined : hub.onChange(onActivities);
  const rpc = await startRpcServer({ ...rpcOptions, sink: hub });
  return {
    hub,
    rpc,
    async close() {
      unsubscribe();
      await rpc.close();
    },
  };
}
