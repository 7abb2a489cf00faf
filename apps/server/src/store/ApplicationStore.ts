// Port for applications (developer portal) and their application commands. Both are small and
// read on hot paths (READY, every interaction), so services load them whole at start.
import type { ApplicationRecord, CommandRecord } from './botRecords.ts';

export interface ApplicationStore {
  listApplications(): Promise<ApplicationRecord[]>;
  upsertApplication(app: ApplicationRecord): Promise<void>;
  deleteApplication(applicationId: string): Promise<void>;

  listCommands(): Promise<CommandRecord[]>;
  upsertCommand(command: CommandRecord): Promise<void>;
  deleteCommand(commandId: string): Promise<void>;
  /** Replaces every command of one scope (global: guildId null) in one transaction. */
  replaceCommands(applicationId: string, guildId: string | null, commands: CommandRecord[]): Promise<void>;
}
