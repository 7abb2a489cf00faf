// ApplicationStore on PostgreSQL: identity columns are indexed, the rest of a record is one JSONB column.
import type { ApplicationStore } from '../ApplicationStore.ts';
import type { ApplicationRecord, CommandDefinition, CommandRecord } from '../botRecords.ts';
import type { PgQueryable, PgRow, PostgresDatabase } from './PostgresDatabase.ts';
import { int, json, text, textOrNull } from './pgRow.ts';

function commandFromRow(r: PgRow): CommandRecord {
  // The data column holds what commandParams wrote: the definition without the identity columns.
  const data = json(r, 'data') as CommandDefinition;
  return {
    ...data,
    id: text(r, 'id'),
    application_id: text(r, 'application_id'),
    guild_id: textOrNull(r, 'guild_id'),
    name: text(r, 'name'),
    type: int(r, 'type'),
    version: text(r, 'version'),
  };
}

const UPSERT_COMMAND = `INSERT INTO application_commands (id, application_id, guild_id, name, type, data, version) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, data = excluded.data, version = excluded.version`;

function upsertCommand(db: PgQueryable, c: CommandRecord): Promise<number> {
  const { id, application_id, guild_id, name, type, version, ...data } = c;
  return db.execute(UPSERT_COMMAND, [id, application_id, guild_id, name, type, JSON.stringify(data), version]);
}

export class PostgresApplicationStore implements ApplicationStore {
  constructor(private readonly db: PostgresDatabase) {}

  async listApplications(): Promise<ApplicationRecord[]> {
    return (await this.db.query('SELECT data FROM applications ORDER BY id COLLATE "C"')).map((r) => json(r, 'data') as ApplicationRecord);
  }

  async upsertApplication(app: ApplicationRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO applications (id, owner_id, bot_user_id, data, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, bot_user_id = excluded.bot_user_id, data = excluded.data`,
      [app.id, app.owner_id, app.bot_user_id, JSON.stringify(app), app.created_at],
    );
  }

  async deleteApplication(applicationId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM application_commands WHERE application_id = $1', [applicationId]);
      await tx.execute('DELETE FROM applications WHERE id = $1', [applicationId]);
    });
  }

  async listCommands(): Promise<CommandRecord[]> {
    return (await this.db.query('SELECT * FROM application_commands ORDER BY id COLLATE "C"')).map(commandFromRow);
  }

  async upsertCommand(command: CommandRecord): Promise<void> {
    await upsertCommand(this.db, command);
  }

  async deleteCommand(commandId: string): Promise<void> {
    await this.db.execute('DELETE FROM application_commands WHERE id = $1', [commandId]);
  }

  async replaceCommands(applicationId: string, guildId: string | null, commands: CommandRecord[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(`DELETE FROM application_commands WHERE application_id = $1 AND COALESCE(guild_id, '') = $2`, [applicationId, guildId ?? '']);
      for (const c of commands) await upsertCommand(tx, c);
    });
  }
}
