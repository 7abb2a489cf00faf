// The headless presence agent (`npm run presence`): the desktop's presence services plus a gateway
// session of its own that IDENTIFYs as a desktop client and carries the hub's activities as op 3.
// For people on the web client (what arRPC is for Discord's) and for tests and benches. The user's
// other sessions are untouched: the server shows the union of every session's activities.
import { GatewayClient, type WebSocketConstructor } from '@concord/client';
import type { APISelfUser } from '@concord/protocol';
import WebSocket from 'ws';
import type { RpcUser } from '../rpc/RpcSession.ts';
import type { ActivitySettings } from './ActivityHub.ts';
import type { ThrottleStats } from './CoalescingThrottle.ts';
import { GatewayPresenceSender } from './GatewayPresenceSender.ts';
import { startPresenceServices, type PresenceServices, type PresenceServicesOptions } from './startPresenceServices.ts';

export interface PresenceAgentOptions extends Omit<PresenceServicesOptions, 'serverUrl' | 'user' | 'settings'> {
  serverUrl: string;
  token: string;
  settings: ActivitySettings;
  /** Rate limit of op 3 updates (tests and benches); the gateway-safe default otherwise. */
  presenceLimit?: { updates: number; windowMs: number };
}

export interface PresenceAgent extends PresenceServices {
  readonly gateway: GatewayClient;
  readonly user: RpcUser;
  senderStats(): ThrottleStats;
}

export async function startPresenceAgent(options: PresenceAgentOptions): Promise<PresenceAgent> {
  const { serverUrl, token, presenceLimit, ...serviceOptions } = options;
  const gateway = new GatewayClient({
    url: serverUrl.replace(/^http/, 'ws').replace(/\/$/, ''),
    token,
    encoding: 'json',
    // "Desktop" in browser is what makes the server count this session as client_status.desktop.
    properties: { os: options.platform ?? process.platform, browser: 'Concord Desktop', device: 'concord-presence-agent' },
    presence: { status: 'online', activities: [], since: null, afk: false },
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  let user: RpcUser | null = null;
  let services: PresenceServices | null = null;
  gateway.on('ready', (ready) => {
    user = rpcUser(ready.user);
    services?.rpc.setUser(user);
  });
  gateway.connect();
  try {
    await gateway.waitForReady(15_000);
  } catch (error) {
    gateway.close();
    throw new Error(`presence agent: no gateway session at ${serverUrl} (${String(error)}); check CONCORD_SERVER and CONCORD_TOKEN`, { cause: error });
  }
  // READY arrived before this line (waitForReady): games are answered with the account at once.
  services = await startPresenceServices({ ...serviceOptions, serverUrl, user });
  const running = services;
  const sender = new GatewayPresenceSender(gateway, running.hub, presenceLimit);
  sender.start();
  return {
    ...running,
    gateway,
    get user() {
      return user!;
    },
    senderStats: () => sender.stats(),
    async close() {
      sender.stop();
      await running.close();
      gateway.close();
    },
  };
}

function rpcUser(self: APISelfUser): RpcUser {
  return {
    id: self.id,
    username: self.username,
    discriminator: self.discriminator,
    global_name: self.global_name,
    avatar: self.avatar,
    bot: self.bot ?? false,
    flags: self.flags,
    premium_type: self.premium_type,
  };
}
