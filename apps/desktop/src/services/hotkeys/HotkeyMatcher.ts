// Turns raw key downs and ups from a system-wide hook (libuiohook keycodes) into hotkey action
// downs and ups. Pure and synchronous: the hook backend feeds it, tests feed it by hand.
// Held actions (push-to-talk/-mute) fire with extra modifiers held (sprinting with Shift must not
// block talking) and end when their key or any of their modifiers goes up; the toggles want
// exactly their modifiers. A key already down (the hook's autorepeat) fires nothing.
import { modifierOfUiohookKeycode, type Accelerator, type ModifierName } from '../../shared/accelerator.ts';
import { HELD_HOTKEY_ACTIONS, type HotkeyAction, type HotkeyEvent } from '../../shared/hotkeysBridge.ts';

export type HotkeyBindings = ReadonlyMap<HotkeyAction, Accelerator>;

const MODIFIERS: readonly ModifierName[] = ['ctrl', 'alt', 'shift', 'meta'];

export class HotkeyMatcher {
  private bindings: HotkeyBindings = new Map();
  private readonly pressed = new Set<number>();
  /** Actions whose down was emitted and whose up was not yet. */
  private readonly active = new Map<HotkeyAction, Accelerator>();

  /** Replaces the bindings; actions held under the old ones are released first (their ups are returned). */
  bind(bindings: HotkeyBindings): HotkeyEvent[] {
    const released = this.releaseAll();
    this.bindings = bindings;
    return released;
  }

  keyDown(keycode: number): HotkeyEvent[] {
    if (keycode === 0 || this.pressed.has(keycode)) return [];
    this.pressed.add(keycode);
    const held = this.heldModifiers();
    const events: HotkeyEvent[] = [];
    for (const [action, accelerator] of this.bindings) {
      if (this.active.has(action) || !accelerator.key.uiohookKeycodes.includes(keycode)) continue;
      if (!modifiersMatch(accelerator, held, HELD_HOTKEY_ACTIONS.has(action))) continue;
      this.active.set(action, accelerator);
      events.push({ action, phase: 'down' });
    }
    return events;
  }

  keyUp(keycode: number): HotkeyEvent[] {
    if (!this.pressed.delete(keycode)) return [];
    const modifier = modifierOfUiohookKeycode(keycode);
    const stillHeld = this.heldModifiers();
    const events: HotkeyEvent[] = [];
    for (const [action, accelerator] of this.active) {
      const keyReleased = accelerator.key.uiohookKeycodes.includes(keycode) && !accelerator.key.uiohookKeycodes.some((code) => this.pressed.has(code));
      const modifierReleased = modifier !== null && accelerator[modifier] && !stillHeld.has(modifier);
      if (!keyReleased && !modifierReleased) continue;
      this.active.delete(action);
      events.push({ action, phase: 'up' });
    }
    return events;
  }

  /** Ends every held action (the hook stopped, the bindings changed). */
  releaseAll(): HotkeyEvent[] {
    const events = [...this.active.keys()].map((action): HotkeyEvent => ({ action, phase: 'up' }));
    this.active.clear();
    this.pressed.clear();
    return events;
  }

  private heldModifiers(): Set<ModifierName> {
    const held = new Set<ModifierName>();
    for (const code of this.pressed) {
      const modifier = modifierOfUiohookKeycode(code);
      if (modifier !== null) held.add(modifier);
    }
    return held;
  }
}

function modifiersMatch(accelerator: Accelerator, held: ReadonlySet<ModifierName>, extraAllowed: boolean): boolean {
  // A lone modifier bound as the key (`Ctrl`): its own press is the whole combination.
  if (accelerator.key.modifier !== undefined) return extraAllowed || [...held].every((m) => m === accelerator.key.modifier);
  for (const modifier of MODIFIERS) {
    if (accelerator[modifier] && !held.has(modifier)) return false;
    if (!extraAllowed && !accelerator[modifier] && held.has(modifier)) return false;
  }
  return true;
}
