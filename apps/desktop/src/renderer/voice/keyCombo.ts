// Key combinations as the keybind settings store them ("Ctrl+Shift+M", "`", "F13"): what a
// keyboard event spells, shared by the keybind editor and push-to-talk.

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/** The combination a keydown spells, or null for a lone modifier. */
export function keyComboOf(e: KeyLike): string | null {
  if (['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) return null;
  const parts = [e.ctrlKey ? 'Ctrl' : '', e.altKey ? 'Alt' : '', e.shiftKey ? 'Shift' : '', e.metaKey ? 'Meta' : ''].filter(Boolean);
  parts.push(e.key.length === 1 ? e.key.toUpperCase() : e.key);
  return parts.join('+');
}

/** The combination's main key (its last part): push-to-talk releases when that key goes up. */
export function mainKeyOf(combo: string): string {
  const parts = combo.split('+');
  const last = parts[parts.length - 1] ?? '';
  // "Ctrl++" spells the plus key.
  return last === '' && combo.endsWith('+') ? '+' : last;
}
