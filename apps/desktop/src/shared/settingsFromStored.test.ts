import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './bridge.ts';
import { settingsFromStored } from './settingsFromStored.ts';

describe('settingsFromStored', () => {
  it('keeps a keybinds section stored before push-to-mute and the overlay lock existed, filling those in', () => {
    const invalid: string[] = [];
    const settings = settingsFromStored({ keybinds: { pushToTalk: 'F13', toggleMute: null, toggleDeafen: 'Ctrl+D' } }, (key) => invalid.push(key));
    expect(invalid).toEqual([]);
    expect(settings.keybinds).toEqual({ pushToTalk: 'F13', toggleMute: null, toggleDeafen: 'Ctrl+D', pushToMute: null, toggleOverlayLock: 'Shift+`' });
    expect(settings.games).toEqual(DEFAULT_SETTINGS.games);
    expect(settings.overlay).toEqual(DEFAULT_SETTINGS.overlay);
  });

  it('falls back to the default for a games section that does not validate and keeps the rest', () => {
    const invalid: string[] = [];
    const settings = settingsFromStored({ theme: 'light', games: { registered: [{ name: '', executable: 'x' }], hidden: [] } }, (key) => invalid.push(key));
    expect(invalid).toEqual(['games']);
    expect(settings.games).toEqual({ registered: [], hidden: [] });
    expect(settings.theme).toBe('light');
  });
});
