// ApplicationStore on SQLite: identity columns are indexed, the rest of a record is one JSON column.
import type { ApplicationStore } from '../ApplicationStore.ts';
import type { ApplicationRecord, CommandDefinition, CommandRecord } from '../botRecords.ts';
import type { SqliteDb } from './SqliteDatabase.ts';
import { strOrNull, type Row } from './sqliteRow.ts';


function commandFromRow(r: Row): CommandRecord {
  const data = JSON.parse(String(r['data'])) as CommandDefinition;
  return {
    ...data,
    id: String(r['id']),
    application_id: String(r['application_id']),
    guild_id: strOrNull(r['guild_id']),
    name: String(r['name']),
    type: Number(r['type']),
    version: String(r['version']),
  };
}

function commandParams(c: CommandRecord) {
  const { id, application_id, guild_id, name, type, version, ...data } = c;
  return { id, application_id, guild_id, name, type, version, data: JSON.stringify(data) };
}

export class SqliteApplicationStore implements ApplicationStore {
  private readonly stmt;

  constructor(private readonly db: SqliteDb) {
    this.stmt = {
      listApps: db.prepare('SELECT data FROM applications'),
      upsertApp: db.prepare(
        'INSERT INTO applications (id, owner_id, bot_user_id, data, created_at) VALUES (@id, @owner_id, @bot_user_id, @data, @created_at) ON CONFLICT(id) DO UPDATE SET owner_id = excluded.owner_id, bot_user_id = excluded.bot_user_id, data = excluded.data',
      ),
      deleteApp: db.prepare('DELETE FROM applications WHERE id = ?'),
      deleteAppCommands: db.prepare('DELETE FROM application_commands WHERE application_id = ?'),
      listCommands: db.prepare('SELECT * FROM application_commands'),
      upsertCommand: db.prepare(
        'INSERT INTO application_commands (id, application_id, guild_id, name, type, data, version) VALUES (@id, @application_id, @guild_id, @name, @type, @data, @version) ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, data = excluded.data, version = excluded.version',
      ),
      deleteCommand: db.prepare('DELETE FROM application_commands WHERE id = ?'),
      deleteScope: db.prepare('DELETE FROM application_commands WHERE application_id = ? AND IFNULL(guild_id, \'\') = ?'),
    };
  }

  async listApplications(): Promise<ApplicationRecord[]> {
    return (this.stmt.listApps.all() as Row[]).map((r) => JSON.parse(String(r['data'])) as ApplicationRecord);
  }

  async upsertApplication(app: ApplicationRecord): Promise<void> {
    this.stmt.upsertApp.run({ id: app.id, owner_id: app.owner_id, bot_user_id: app.bot_user_id, data: JSON.stringify(app), created_at: app.created_at });
  }

  async deleteApplication(applicationId: string): Promise<void> {
    this.db.transaction(() => {
      this.stmt.deleteAppCommands.run(applicationId);
      this.stmt.deleteApp.run(applicationId);
    })();
  }

  async listCommands(): Promise<CommandRecord[]> {
    return (this.stmt.listCommands.all() as Row[]).map(commandFromRow);
  }

  async upsertCommand(command: CommandRecord): Promise<void> {
    this.stmt.upsertCommand.run(commandParams(command));
  }

  async deleteCommand(commandId: string): Promise<void> {
    this.stmt.deleteCommand.run(commandId);
  }

  async replaceCommands(applicationId: string, guildId: string | null, commands: CommandRecord[]): Promise<void> {
    this.db.transaction(() => {
      this.stmt.deleteScope.run(applicationId, guildId ?? '');
      for (const c of commands) this.stmt.upsertCommand.run(commandParams(c));
    })();
  }
}
