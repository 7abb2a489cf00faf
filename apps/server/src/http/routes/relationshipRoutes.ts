// Friends and blocks: GET/POST /users/@me/relationships, PUT/DELETE /users/@me/relationships/:id
// (user accounts only; bots get 20001). Every change answers 204 and arrives as RELATIONSHIP_*.
import { PutRelationshipBody, SendFriendRequestBody } from '@concord/protocol';
import type { RelationshipService } from '../../domain/RelationshipService.ts';
import { parseBody } from '../HttpServer.ts';
import { done, type RouteDef } from '../Route.ts';

export function relationshipRoutes(relationships: RelationshipService): RouteDef[] {
  return [
    { method: 'GET', path: '/users/@me/relationships', auth: 'required', handler: (c) => relationships.list(c.user) },
    {
      method: 'POST',
      path: '/users/@me/relationships',
      auth: 'required',
      handler: (c) => {
        const body = parseBody(SendFriendRequestBody, c.body);
        return done(relationships.sendRequestByUsername(c.user, body.username, body.discriminator));
      },
    },
    {
      method: 'PUT',
      path: '/users/@me/relationships/:user_id',
      auth: 'required',
      handler: (c) => done(relationships.put(c.user, c.params['user_id']!, parseBody(PutRelationshipBody, c.body).type)),
    },
    { method: 'DELETE', path: '/users/@me/relationships/:user_id', auth: 'required', handler: (c) => done(relationships.remove(c.user, c.params['user_id']!)) },
  ];
}
