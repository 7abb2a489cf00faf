import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { DEFAULT_SETTINGS, SettingsStore } from './SettingsStore.ts';

let dir: string;
let filePath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-settings-'));
  filePath = join(dir, 'config', 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('returns the defaults when no file exists, without creating one', () => {
    const store = new SettingsStore({ filePath });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.get().cacheMaxBytes).toBe(500 * 1024 * 1024);
    expect(existsSync(filePath)).toBe(false);
  });

  it('writes a validated patch to disk and a new store reads it back', () => {
    const store = new SettingsStore({ filePath });
    const updated = store.update({ theme: 'light', notifications: { mentions: false, directMessages: true, sound: false } });
    expect(updated.theme).toBe('light');
    expect(updated.keybinds).toEqual(DEFAULT_SETTINGS.keybinds);
    expect(JSON.parse(readFileSync(filePath, 'utf8'))).toEqual(updated);
    expect(new SettingsStore({ filePath }).get()).toEqual(updated);
    // No temporary file is left beside it.
    expect(readdirSync(join(dir, 'config'))).toEqual(['settings.json']);
  });

  it('rejects an invalid patch with a ZodError and leaves the file untouched', () => {
    const store = new SettingsStore({ filePath });
    store.update({ compactMode: true });
    const before = readFileSync(filePath, 'utf8');
    expect(() => store.update({ theme: 'neon' })).toThrow(ZodError);
    expect(() => store.update({ cacheMaxBytes: 1 })).toThrow(ZodError);
    expect(() => store.update({ voice: { inputVolume: 50 } })).toThrow(ZodError); // sections are whole
    expect(() => store.update({ unknownSetting: 1 })).toThrow(ZodError); // unknown keys are refused, not dropped
    expect(() => store.update(null)).toThrow(ZodError);
    expect(JSON.parse(readFileSync(filePath, 'utf8'))).toEqual(JSON.parse(before));
  });

  it('does not let a __proto__ key in a patch reach any prototype', () => {
    const store = new SettingsStore({ filePath });
    const patch: unknown = JSON.parse('{"__proto__": {"polluted": true}, "notifications": {"mentions": true, "directMessages": true, "sound": true, "__proto__": {"polluted": true}}}');
    expect(() => store.update(patch)).toThrow(ZodError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(store.get())).toBe(Object.prototype);
  });

  it('resets only the invalid section of a hand-edited file and reports it', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, theme: 'light', voice: { inputVolume: 'loud' } }));
    const warn = vi.fn();
    const store = new SettingsStore({ filePath: join(dir, 'settings.json'), warn });
    expect(store.get().theme).toBe('light');
    expect(store.get().voice).toEqual(DEFAULT_SETTINGS.voice);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"voice"'));
  });

  it('fills settings missing from an older file with their defaults', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ theme: 'light' }));
    const store = new SettingsStore({ filePath: join(dir, 'settings.json'), warn: vi.fn() });
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, theme: 'light' });
  });

  it('moves an unreadable file aside, reports it and starts from the defaults', () => {
    const path = join(dir, 'settings.json');
    writeFileSync(path, '{"theme": "dark",');
    const warn = vi.fn();
    const store = new SettingsStore({ filePath: path, warn });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not valid JSON/));
    expect(readdirSync(dir).some((name) => name.startsWith('settings.json.unreadable-'))).toBe(true);
  });
});
