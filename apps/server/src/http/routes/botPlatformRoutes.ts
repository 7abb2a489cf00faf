// The bot platform's routes (applications, interactions, webhooks, OAuth2, moderation), and the
// core routes wrapped so that what they change lands in the audit log.
import { auditedRoutes } from '../auditedRoutes.ts';
import type { RouteDef } from '../Route.ts';
import { applicationRoutes } from './applicationRoutes.ts';
import { applicationRpcRoutes } from './applicationRpcRoutes.ts';
import { interactionRoutes } from './interactionRoutes.ts';
import { moderationRoutes } from './moderationRoutes.ts';
import { oauth2Routes } from './oauth2Routes.ts';
import type { Services } from './Services.ts';
import { webhookRoutes } from './webhookRoutes.ts';

export function botPlatformRoutes(s: Services, coreRoutes: readonly RouteDef[]): RouteDef[] {
  return [
    ...auditedRoutes(coreRoutes, s.ctx, s.auditLog),
    ...applicationRoutes(s),
    ...applicationRpcRoutes(s),
    ...interactionRoutes(s),
    ...webhookRoutes(s),
    ...oauth2Routes(s),
    ...moderationRoutes(s),
  ];
}
