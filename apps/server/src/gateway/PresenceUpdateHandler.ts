// PRESENCE_UPDATE (op 3): a session sets its status and activities; PresenceService merges the
// user's sessions and dispatches the result.
import { GatewayCloseCode, PresenceUpdateData, publicActivities } from '@concord/protocol';
import type { PresenceService } from '../domain/PresenceService.ts';
import type { GatewaySession } from './GatewaySession.ts';
import type { GatewaySocket } from './GatewaySocket.ts';
import type { SocketWriter } from './SocketWriter.ts';

export class PresenceUpdateHandler {
  constructor(
    private readonly presence: PresenceService,
    private readonly writer: SocketWriter,
  ) {}

  presenceUpdate(ws: GatewaySocket, s: GatewaySession, raw: unknown): void {
    const parsed = PresenceUpdateData.safeParse(raw);
    if (!parsed.success) {
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Invalid presence update.');
      return;
    }
    this.presence.setSession(s.user.id, s.id, { status: parsed.data.status, activities: publicActivities(parsed.data.activities, s.user.bot), client: s.client });
  }
}
