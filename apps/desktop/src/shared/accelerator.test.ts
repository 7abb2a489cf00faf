import { describe, expect, it } from 'vitest';
import { ACCELERATOR_KEYS, acceleratorOfKeyEvent, formatAccelerator, keyEventMatches, keyUpEndsHold, parseAccelerator, portalTriggerOf } from './accelerator.ts';

const parse = (text: string, platform?: string) => {
  const result = parseAccelerator(text, platform);
  if (!result.ok) throw new Error(result.reason);
  return result.accelerator;
};
const event = (code: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({ code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });

describe('parseAccelerator', () => {
  it('reads the default keybinds into uiohook keycodes and modifiers', () => {
    expect(parse('Ctrl+Shift+M')).toMatchObject({ ctrl: true, shift: true, alt: false, meta: false, key: { name: 'M', uiohookKeycodes: [50] } });
    expect(parse('Shift+`')).toMatchObject({ shift: true, ctrl: false, key: { name: '`', uiohookKeycodes: [41] } });
    expect(parse('F13')).toMatchObject({ ctrl: false, shift: false, key: { uiohookKeycodes: [91] } });
  });

  it('accepts Electron spellings case-insensitively and writes them back canonically', () => {
    expect(formatAccelerator(parse('control+alt+delete'))).toBe('Ctrl+Alt+Delete');
    expect(formatAccelerator(parse('Super+Return'))).toBe('Meta+Enter');
    expect(formatAccelerator(parse('Shift+Alt+Ctrl+ArrowUp'))).toBe('Ctrl+Alt+Shift+Up');
    expect(formatAccelerator(parse('Esc'))).toBe('Escape');
    expect(formatAccelerator(parse('num5'))).toBe('num5');
  });

  it('maps CommandOrControl to Meta on macOS and Ctrl elsewhere', () => {
    expect(parse('CommandOrControl+K', 'darwin')).toMatchObject({ meta: true, ctrl: false });
    expect(parse('CmdOrCtrl+K', 'win32')).toMatchObject({ ctrl: true, meta: false });
  });

  it('reads a shifted character an older recorder wrote as the key under it with Shift', () => {
    expect(formatAccelerator(parse('Shift+~'))).toBe('Shift+`');
    expect(formatAccelerator(parse('Ctrl++'))).toBe('Ctrl+Shift+=');
    expect(formatAccelerator(parse('?'))).toBe('Shift+/');
  });

  it('binds a lone modifier to both of its keys', () => {
    expect(parse('Ctrl')).toMatchObject({ key: { modifier: 'ctrl', uiohookKeycodes: [29, 3613] } });
  });

  it('refuses garbage with a reason instead of throwing', () => {
    for (const bad of ['', 'Ctrl+', 'Hyper+K', 'Ctrl+Ctrl+K', 'Shift+Ctrl', 'Ctrl+Banana', 'Ctrl++K', '\u0000', 'x'.repeat(64)]) {
      const result = parseAccelerator(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
    }
  });

  it('gives every key distinct uiohook keycodes, DOM codes and xkb names', () => {
    const keycodes = ACCELERATOR_KEYS.flatMap((k) => k.uiohookKeycodes);
    const domCodes = ACCELERATOR_KEYS.flatMap((k) => k.domCodes);
    const xkb = ACCELERATOR_KEYS.map((k) => k.xkb);
    expect(new Set(keycodes).size).toBe(keycodes.length);
    expect(new Set(domCodes).size).toBe(domCodes.length);
    expect(new Set(xkb).size).toBe(xkb.length);
    for (const key of ACCELERATOR_KEYS) expect(formatAccelerator(parse(key.name)), key.name).toBe(key.name);
  });

  it('spells the portal trigger with xkb names', () => {
    expect(portalTriggerOf(parse('Shift+`'))).toBe('SHIFT+grave');
    expect(portalTriggerOf(parse('Ctrl+Shift+M'))).toBe('CTRL+SHIFT+m');
    expect(portalTriggerOf(parse('Meta+F13'))).toBe('LOGO+F13');
  });
});

describe('recording and matching keyboard events', () => {
  it('records by physical key, so Shift+` stays Shift+` (not Shift+~)', () => {
    expect(acceleratorOfKeyEvent(event('Backquote', { shiftKey: true }))).toBe('Shift+`');
    expect(acceleratorOfKeyEvent(event('KeyM', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+M');
    expect(acceleratorOfKeyEvent(event('ShiftLeft', { shiftKey: true }))).toBeNull();
    expect(acceleratorOfKeyEvent(event('IntlRo'))).toBeNull();
  });

  it('matches exactly and ends a hold on the key or a modifier going up', () => {
    const acc = parse('Shift+`');
    expect(keyEventMatches(acc, event('Backquote', { shiftKey: true }))).toBe(true);
    expect(keyEventMatches(acc, event('Backquote'))).toBe(false);
    expect(keyEventMatches(acc, event('Backquote', { shiftKey: true, ctrlKey: true }))).toBe(false);
    expect(keyUpEndsHold(acc, 'Backquote')).toBe(true);
    expect(keyUpEndsHold(acc, 'ShiftRight')).toBe(true);
    expect(keyUpEndsHold(acc, 'ControlLeft')).toBe(false);
  });
});
