// The keybind recorder's rule, shared by the Keybinds page and Voice & Video's push-to-talk field so
// both write the same accelerator strings (shared/accelerator.ts): by physical key (`code`), so
// Space is `Space` (not " "), Shift+` stays `Shift+\`` (not `~`), F13 is `F13`. Modifiers alone
// only show as held; Escape cancels.
import { acceleratorOfKeyEvent, type KeyEventLike } from '../../shared/accelerator.ts';

export interface RecordedKeyEvent extends KeyEventLike {
  /** `keydown` or `keyup`. */
  type: string;
}

export type RecorderStep =
  | { kind: 'cancel' }
  /** Still waiting for the main key; `modifiers` is what is held (`Ctrl+Shift`, or ''). */
  | { kind: 'held'; modifiers: string }
  | { kind: 'recorded'; accelerator: string };

export function recorderStep(e: RecordedKeyEvent): RecorderStep {
  if (e.type === 'keydown' && e.code === 'Escape' && !e.ctrlKey && !e.altKey && !e.shiftKey && !e.metaKey) return { kind: 'cancel' };
  const accelerator = e.type === 'keydown' ? acceleratorOfKeyEvent(e) : null;
  return accelerator === null ? { kind: 'held', modifiers: heldModifiers(e) } : { kind: 'recorded', accelerator };
}

/** The modifiers held in a key event, as the recorder shows them while waiting for the main key. */
export function heldModifiers(e: KeyEventLike): string {
  return [e.ctrlKey ? 'Ctrl' : '', e.altKey ? 'Alt' : '', e.shiftKey ? 'Shift' : '', e.metaKey ? 'Meta' : ''].filter(Boolean).join('+');
}
