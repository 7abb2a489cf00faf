// GET /applications/:id/rpc: the public face of an application, without a token, as Discord serves
// it to RPC clients and to the desktop app that names a game's Rich Presence after its application.
// Only what Discord makes public here; the owner, the bot and the secrets stay private.
import { DomainError } from '../../domain/DomainError.ts';
import type { ApplicationRecord } from '../../store/botRecords.ts';
import type { RouteDef } from '../Route.ts';
import type { Services } from './Services.ts';

export interface RpcApplication {
  id: string;
  name: string;
  icon: string | null;
  description: string;
  summary: string;
  type: null;
  hook: boolean;
  verify_key: string;
  flags: number;
}

export function applicationRpcRoutes(s: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/applications/:application_id/rpc',
      auth: 'none',
      rule: { limit: 60, windowMs: 60_000 },
      handler: (c) => {
        const app = s.applications.get(c.params['application_id']!);
        if (!app) throw new DomainError('UnknownApplication');
        return rpcApplication(app);
      },
    },
  ];
}

function rpcApplication(app: ApplicationRecord): RpcApplication {
  return { id: app.id, name: app.name, icon: app.icon, description: app.description, summary: '', type: null, hook: true, verify_key: app.verify_key, flags: app.flags };
}
