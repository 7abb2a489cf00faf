// WebhookStore on PostgreSQL. Tokens are kept in clear, as on SQLite: Discord shows them again to
// members with MANAGE_WEBHOOKS, so they cannot be one-way hashed.
import type { WebhookRecord } from '../botRecords.ts';
import type { WebhookStore } from '../WebhookStore.ts';
import type { PgRow, PostgresDatabase } from './PostgresDatabase.ts';
import { int, text, textOrNull } from './pgRow.ts';

function webhookFromRow(r: PgRow): WebhookRecord {
  return {
    id: text(r, 'id'),
    type: int(r, 'type'),
    guild_id: text(r, 'guild_id'),
    channel_id: text(r, 'channel_id'),
    creator_id: textOrNull(r, 'creator_id'),
    name: text(r, 'name'),
    avatar: textOrNull(r, 'avatar'),
    token: textOrNull(r, 'token'),
    application_id: textOrNull(r, 'application_id'),
  };
}

export class PostgresWebhookStore implements WebhookStore {
  constructor(private readonly db: PostgresDatabase) {}

  async listWebhooks(): Promise<WebhookRecord[]> {
    return (await this.db.query('SELECT * FROM webhooks ORDER BY id COLLATE "C"')).map(webhookFromRow);
  }

  async upsertWebhook(w: WebhookRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO webhooks (id, type, guild_id, channel_id, creator_id, name, avatar, token, application_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET channel_id = excluded.channel_id, name = excluded.name, avatar = excluded.avatar, token = excluded.token`,
      [w.id, w.type, w.guild_id, w.channel_id, w.creator_id, w.name, w.avatar, w.token, w.application_id],
    );
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await this.db.execute('DELETE FROM webhooks WHERE id = $1', [webhookId]);
  }
}
