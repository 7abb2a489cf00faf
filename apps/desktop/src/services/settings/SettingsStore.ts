// The desktop client's settings, kept as one JSON file in the user data directory and owned by the
// main process. Every read and every write goes through ClientSettingsSchema: a file edited by
// hand or written by another version can cost the user one bad section (reset to its default and
// reported), never a crash or a value the app does not understand.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, type ClientSettings } from '../../shared/bridge.ts';
import { ClientSettingsPatchSchema, ClientSettingsSchema } from '../../shared/clientSettingsSchema.ts';
import { settingsFromStored } from '../../shared/settingsFromStored.ts';

export { DEFAULT_SETTINGS };

export interface SettingsStoreOptions {
  filePath: string;
  /** Told about every recovery: an unreadable file moved aside, or a section reset to default. */
  warn?: (message: string) => void;
}

export class SettingsStore {
  private current: ClientSettings | null = null;
  private readonly warn: (message: string) => void;

  constructor(private readonly options: SettingsStoreOptions) {
    this.warn = options.warn ?? ((message) => console.warn(`[settings] ${message}`));
  }

  get filePath(): string {
    return this.options.filePath;
  }

  /** The settings, read from disk once and kept in memory; a missing file means the defaults. */
  get(): ClientSettings {
    this.current ??= this.readFromDisk();
    return this.current;
  }

  /**
   * Applies a patch of whole top-level sections (the bridge's `Partial<ClientSettings>`), validates
   * the result and writes it atomically. Throws the zod error for an invalid patch; nothing is
   * written then.
   */
  update(patch: unknown): ClientSettings {
    const parsedPatch = ClientSettingsPatchSchema.parse(patch);
    const next = ClientSettingsSchema.parse({ ...this.get(), ...parsedPatch });
    this.writeToDisk(next);
    this.current = next;
    return next;
  }

  private readFromDisk(): ClientSettings {
    const { filePath } = this.options;
    if (!existsSync(filePath)) return structuredClone(DEFAULT_SETTINGS);
    let stored: unknown;
    try {
      stored = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (error) {
      const aside = `${filePath}.unreadable-${Date.now()}`;
      renameSync(filePath, aside);
      this.warn(`${filePath} is not valid JSON (${describe(error)}); moved it to ${aside} and using defaults`);
      return structuredClone(DEFAULT_SETTINGS);
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      this.warn(`${filePath} does not hold an object; using defaults`);
      return structuredClone(DEFAULT_SETTINGS);
    }
    return this.mergeSectionBySection(stored);
  }

  private mergeSectionBySection(stored: object): ClientSettings {
    return settingsFromStored(stored, (key, reason) => this.warn(`setting "${key}" in ${this.options.filePath} is invalid (${reason}); using the default`));
  }

  /** Write-then-rename, so a crash mid-write leaves the old file, never half a file. */
  private writeToDisk(settings: ClientSettings): void {
    const { filePath } = this.options;
    mkdirSync(dirname(filePath), { recursive: true });
    const temporary = `${filePath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(ClientSettingsSchema.parse(settings), null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, filePath);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
