import { describe, expect, it } from 'vitest';
import { bindingsOf } from './GlobalHotkeys.ts';
import { HotkeyMatcher } from './HotkeyMatcher.ts';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';

const SHIFT = 42;
const SHIFT_RIGHT = 54;
const CTRL = 29;
const GRAVE = 41;
const M = 50;
const V = 47;

function matcher(keybinds: Partial<typeof DEFAULT_SETTINGS.keybinds>) {
  const m = new HotkeyMatcher();
  m.bind(bindingsOf({ ...DEFAULT_SETTINGS.keybinds, ...keybinds }, 'linux').bindings);
  return m;
}

describe('HotkeyMatcher', () => {
  it('emits push-to-talk down on the key and up on its release, ignoring autorepeat', () => {
    const m = matcher({ pushToTalk: 'V' });
    expect(m.keyDown(V)).toEqual([{ action: 'pushToTalk', phase: 'down' }]);
    expect(m.keyDown(V)).toEqual([]);
    expect(m.keyDown(V)).toEqual([]);
    expect(m.keyUp(V)).toEqual([{ action: 'pushToTalk', phase: 'up' }]);
  });

  it('keeps push-to-talk working with an extra modifier held (sprinting with Shift)', () => {
    const m = matcher({ pushToTalk: 'V' });
    m.keyDown(SHIFT);
    expect(m.keyDown(V)).toEqual([{ action: 'pushToTalk', phase: 'down' }]);
  });

  it('ends a held combination when its modifier is released first', () => {
    const m = matcher({ pushToTalk: 'Ctrl+`', toggleOverlayLock: null });
    m.keyDown(CTRL);
    expect(m.keyDown(GRAVE)).toEqual([{ action: 'pushToTalk', phase: 'down' }]);
    expect(m.keyUp(CTRL)).toEqual([{ action: 'pushToTalk', phase: 'up' }]);
    expect(m.keyUp(GRAVE)).toEqual([]);
  });

  it('fires the overlay lock on Shift+` (either Shift) but not on a bare `', () => {
    const m = matcher({});
    expect(m.keyDown(GRAVE)).toEqual([]);
    m.keyUp(GRAVE);
    m.keyDown(SHIFT_RIGHT);
    expect(m.keyDown(GRAVE)).toEqual([{ action: 'toggleOverlayLock', phase: 'down' }]);
    expect(m.keyUp(GRAVE)).toEqual([{ action: 'toggleOverlayLock', phase: 'up' }]);
  });

  it('wants exact modifiers for the toggles', () => {
    const m = matcher({});
    m.keyDown(CTRL);
    expect(m.keyDown(M)).toEqual([]);
    m.keyUp(M);
    m.keyDown(SHIFT);
    expect(m.keyDown(M)).toEqual([{ action: 'toggleMute', phase: 'down' }]);
  });

  it('releases held actions when rebound', () => {
    const m = matcher({ pushToTalk: 'V' });
    m.keyDown(V);
    expect(m.bind(new Map())).toEqual([{ action: 'pushToTalk', phase: 'up' }]);
    expect(m.keyUp(V)).toEqual([]);
  });

  it('reports an unparsable keybind and keeps the others', () => {
    const { bindings, invalid } = bindingsOf({ ...DEFAULT_SETTINGS.keybinds, pushToTalk: 'Hyper+Q' }, 'linux');
    expect(invalid).toEqual([{ action: 'pushToTalk', reason: expect.stringContaining('Hyper') }]);
    expect([...bindings.keys()].sort()).toEqual(['toggleDeafen', 'toggleMute', 'toggleOverlayLock']);
  });
});
