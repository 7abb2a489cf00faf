// Reads settings stored by an earlier run (the desktop's settings file, the web client's
// localStorage) through the one ClientSettingsSchema, section by section: a section that no
// longer validates falls back to its default and the others are kept.
import { DEFAULT_SETTINGS, type ClientSettings } from './bridge.ts';
import { ClientSettingsSchema, type ClientSettingsKey } from './clientSettingsSchema.ts';

/**
 * Keeps every section that still validates and falls back to the default for the rest, so a
 * setting added in a later version gets its default and one bad value does not reset the others.
 * `onInvalid` hears about each section that was present but failed (the caller logs it).
 */
export function settingsFromStored(stored: object, onInvalid: (key: ClientSettingsKey, reason: string) => void): ClientSettings {
  const merged: Record<string, unknown> = {};
  const keys = Object.keys(DEFAULT_SETTINGS) as ClientSettingsKey[];
  for (const key of keys) {
    const schema = ClientSettingsSchema.shape[key];
    const value: unknown = Object.hasOwn(stored, key) ? Reflect.get(stored, key) : undefined;
    if (value === undefined) {
      merged[key] = structuredClone(DEFAULT_SETTINGS[key]);
      continue;
    }
    const result = schema.safeParse(value);
    if (result.success) {
      merged[key] = result.data;
    } else {
      onInvalid(key, result.error.issues[0]?.message ?? 'invalid');
      merged[key] = structuredClone(DEFAULT_SETTINGS[key]);
    }
  }
  return ClientSettingsSchema.parse(merged);
}
