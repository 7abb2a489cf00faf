// WebhookStore on SQLite. Webhook tokens are kept in clear: Discord shows them again to members
// with MANAGE_WEBHOOKS, so they cannot be one-way hashed like account and bot tokens.
import type { WebhookRecord } from '../botRecords.ts';
import type { WebhookStore } from '../WebhookStore.ts';
import type { SqliteDb } from './SqliteDatabase.ts';
import { strOrNull, type Row } from './sqliteRow.ts';


function webhookFromRow(r: Row): WebhookRecord {
  return {
    id: String(r['id']),
    type: Number(r['type']),
    guild_id: String(r['guild_id']),
    channel_id: String(r['channel_id']),
    creator_id: strOrNull(r['creator_id']),
    name: String(r['name']),
    avatar: strOrNull(r['avatar']),
    token: strOrNull(r['token']),
    application_id: strOrNull(r['application_id']),
  };
}

export class SqliteWebhookStore implements WebhookStore {
  private readonly stmt;

  constructor(db: SqliteDb) {
    this.stmt = {
      list: db.prepare('SELECT * FROM webhooks'),
      upsert: db.prepare(
        `INSERT INTO webhooks (id, type, guild_id, channel_id, creator_id, name, avatar, token, application_id)
         VALUES (@id, @type, @guild_id, @channel_id, @creator_id, @name, @avatar, @token, @application_id)
         ON CONFLICT(id) DO UPDATE SET channel_id = excluded.channel_id, name = excluded.name, avatar = excluded.avatar, token = excluded.token`,
      ),
      delete: db.prepare('DELETE FROM webhooks WHERE id = ?'),
    };
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    return (this.stmt.list.all() as Row[]).map(webhookFromRow);
  }

  async upsertWebhook(webhook: WebhookRecord): Promise<void> {
    this.stmt.upsert.run(webhook);
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    this.stmt.delete.run(webhookId);
  }
}
