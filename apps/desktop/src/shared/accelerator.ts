// The keybind format the settings store (`Ctrl+Shift+M`, `` Shift+` ``, `F13`): Electron-style
// accelerators. One table maps each key to the names it is written with, the DOM `code` the
// renderer's recorder sees, libuiohook's keycode (the desktop's global hook) and the xkb keysym
// name the Wayland GlobalShortcuts portal takes. Run-anywhere: the renderer records and matches
// with it, the main process binds with it.

export type ModifierName = 'ctrl' | 'alt' | 'shift' | 'meta';

interface KeyInfo {
  /** How the recorder writes it (Electron's accelerator spelling). */
  readonly name: string;
  readonly domCodes: readonly string[];
  /** libuiohook virtual keycodes (both sides for a modifier used as the key). */
  readonly uiohookKeycodes: readonly number[];
  /** xkb keysym name for the portal's `preferred_trigger`. */
  readonly xkb: string;
  /** Set when this key is itself a modifier (a lone `Ctrl` binding). */
  readonly modifier?: ModifierName;
}

export interface Accelerator {
  readonly ctrl: boolean;
  readonly alt: boolean;
  readonly shift: boolean;
  readonly meta: boolean;
  readonly key: KeyInfo;
}

export type AcceleratorParse = { ok: true; accelerator: Accelerator } | { ok: false; reason: string };

const KEYS: KeyInfo[] = [];
const BY_NAME = new Map<string, KeyInfo>();
const BY_DOM_CODE = new Map<string, KeyInfo>();
/** Shifted US-layout characters an older recorder wrote (`Shift+~`): the key under them, with Shift implied. */
const SHIFTED = new Map<string, string>();

function key(name: string, domCode: string, uiohookKeycode: number, xkb: string, aliases: readonly string[] = []): void {
  const info: KeyInfo = { name, domCodes: [domCode], uiohookKeycodes: [uiohookKeycode], xkb };
  KEYS.push(info);
  for (const alias of [name, ...aliases]) BY_NAME.set(alias.toLowerCase(), info);
  BY_DOM_CODE.set(domCode, info);
}

// libuiohook keycodes (uiohook-napi's UiohookKey, which are libuiohook's VC_* constants).
const LETTER_CODES = { A: 30, B: 48, C: 46, D: 32, E: 18, F: 33, G: 34, H: 35, I: 23, J: 36, K: 37, L: 38, M: 50, N: 49, O: 24, P: 25, Q: 16, R: 19, S: 31, T: 20, U: 22, V: 47, W: 17, X: 45, Y: 21, Z: 44 };
for (const [letter, code] of Object.entries(LETTER_CODES)) key(letter, `Key${letter}`, code, letter.toLowerCase());
const DIGIT_CODES = [11, 2, 3, 4, 5, 6, 7, 8, 9, 10];
DIGIT_CODES.forEach((code, digit) => key(String(digit), `Digit${digit}`, code, String(digit)));
const F_CODES = [59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88, 91, 92, 93, 99, 100, 101, 102, 103, 104, 105, 106, 107];
F_CODES.forEach((code, i) => key(`F${i + 1}`, `F${i + 1}`, code, `F${i + 1}`));
key('`', 'Backquote', 41, 'grave', ['Backquote']);
key('-', 'Minus', 12, 'minus', ['Minus']);
key('=', 'Equal', 13, 'equal', ['Equal']);
key('[', 'BracketLeft', 26, 'bracketleft');
key(']', 'BracketRight', 27, 'bracketright');
key('\\', 'Backslash', 43, 'backslash');
key(';', 'Semicolon', 39, 'semicolon');
key("'", 'Quote', 40, 'apostrophe');
key(',', 'Comma', 51, 'comma');
key('.', 'Period', 52, 'period');
key('/', 'Slash', 53, 'slash');
key('Space', 'Space', 57, 'space');
key('Tab', 'Tab', 15, 'Tab');
key('Enter', 'Enter', 28, 'Return', ['Return']);
key('Escape', 'Escape', 1, 'Escape', ['Esc']);
key('Backspace', 'Backspace', 14, 'BackSpace');
key('Delete', 'Delete', 3667, 'Delete', ['Del']);
key('Insert', 'Insert', 3666, 'Insert', ['Ins']);
key('Home', 'Home', 3655, 'Home');
key('End', 'End', 3663, 'End');
key('PageUp', 'PageUp', 3657, 'Page_Up');
key('PageDown', 'PageDown', 3665, 'Page_Down');
key('Up', 'ArrowUp', 57416, 'Up', ['ArrowUp']);
key('Down', 'ArrowDown', 57424, 'Down', ['ArrowDown']);
key('Left', 'ArrowLeft', 57419, 'Left', ['ArrowLeft']);
key('Right', 'ArrowRight', 57421, 'Right', ['ArrowRight']);
key('CapsLock', 'CapsLock', 58, 'Caps_Lock', ['Capslock']);
key('NumLock', 'NumLock', 69, 'Num_Lock', ['Numlock']);
key('ScrollLock', 'ScrollLock', 70, 'Scroll_Lock', ['Scrolllock']);
key('PrintScreen', 'PrintScreen', 3639, 'Print');
[82, 79, 80, 81, 75, 76, 77, 71, 72, 73].forEach((code, digit) => key(`num${digit}`, `Numpad${digit}`, code, `KP_${digit}`, [`Numpad${digit}`]));
key('numadd', 'NumpadAdd', 78, 'KP_Add', ['NumpadAdd']);
key('numsub', 'NumpadSubtract', 74, 'KP_Subtract', ['NumpadSubtract']);
key('nummult', 'NumpadMultiply', 55, 'KP_Multiply', ['NumpadMultiply']);
key('numdiv', 'NumpadDivide', 3637, 'KP_Divide', ['NumpadDivide']);
key('numdec', 'NumpadDecimal', 83, 'KP_Decimal', ['NumpadDecimal']);
key('numenter', 'NumpadEnter', 3612, 'KP_Enter', ['NumpadEnter']);

const MODIFIER_KEYS: Record<ModifierName, KeyInfo> = {
  ctrl: { name: 'Ctrl', domCodes: ['ControlLeft', 'ControlRight'], uiohookKeycodes: [29, 3613], xkb: 'Control_L', modifier: 'ctrl' },
  alt: { name: 'Alt', domCodes: ['AltLeft', 'AltRight'], uiohookKeycodes: [56, 3640], xkb: 'Alt_L', modifier: 'alt' },
  shift: { name: 'Shift', domCodes: ['ShiftLeft', 'ShiftRight'], uiohookKeycodes: [42, 54], xkb: 'Shift_L', modifier: 'shift' },
  meta: { name: 'Meta', domCodes: ['MetaLeft', 'MetaRight', 'OSLeft', 'OSRight'], uiohookKeycodes: [3675, 3676], xkb: 'Super_L', modifier: 'meta' },
};
for (const info of Object.values(MODIFIER_KEYS)) for (const code of info.domCodes) BY_DOM_CODE.set(code, info);

for (const [shifted, base] of Object.entries({ '~': '`', '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0', _: '-', '+': '=', plus: '=', '{': '[', '}': ']', '|': '\\', ':': ';', '"': "'", '<': ',', '>': '.', '?': '/' })) {
  SHIFTED.set(shifted, base);
}

const MODIFIER_NAMES = new Map<string, ModifierName | 'commandOrControl'>([
  ['ctrl', 'ctrl'],
  ['control', 'ctrl'],
  ['alt', 'alt'],
  ['option', 'alt'],
  ['altgr', 'alt'],
  ['shift', 'shift'],
  ['meta', 'meta'],
  ['super', 'meta'],
  ['cmd', 'meta'],
  ['command', 'meta'],
  ['win', 'meta'],
  ['commandorcontrol', 'commandOrControl'],
  ['cmdorctrl', 'commandOrControl'],
]);

/** Splits on `+`, keeping a trailing `+` as the key (`Ctrl++` is Ctrl and the plus key). */
function splitParts(text: string): string[] {
  if (text === '+') return ['+'];
  const parts = text.split('+');
  if (text.endsWith('++')) return [...parts.slice(0, -2), '+'];
  return parts;
}

/**
 * Parses a stored keybind. `platform` decides what `CommandOrControl` means (Meta on macOS).
 * Never throws: settings are user data.
 */
export function parseAccelerator(text: string, platform = 'linux'): AcceleratorParse {
  const parts = splitParts(text.trim());
  if (parts.length === 0 || parts.some((p) => p.trim() === '')) return { ok: false, reason: `"${text}" has an empty part` };
  const mods: Record<ModifierName, boolean> = { ctrl: false, alt: false, shift: false, meta: false };
  const modifierParts = parts.slice(0, -1);
  for (const part of modifierParts) {
    const named = MODIFIER_NAMES.get(part.trim().toLowerCase());
    if (named === undefined) return { ok: false, reason: `"${part}" is not a modifier (Ctrl, Alt, Shift, Meta)` };
    const modifier = named === 'commandOrControl' ? (platform === 'darwin' ? 'meta' : 'ctrl') : named;
    if (mods[modifier]) return { ok: false, reason: `"${text}" names ${modifier} twice` };
    mods[modifier] = true;
  }
  const last = parts[parts.length - 1]!.trim();
  const lower = last.toLowerCase();
  const loneModifier = MODIFIER_NAMES.get(lower);
  if (loneModifier !== undefined) {
    if (modifierParts.length > 0) return { ok: false, reason: `"${text}" ends in a modifier` };
    const modifier = loneModifier === 'commandOrControl' ? (platform === 'darwin' ? 'meta' : 'ctrl') : loneModifier;
    return { ok: true, accelerator: { ...mods, key: MODIFIER_KEYS[modifier] } };
  }
  const direct = BY_NAME.get(lower);
  if (direct !== undefined) return { ok: true, accelerator: { ...mods, key: direct } };
  const base = SHIFTED.get(lower);
  const shiftedKey = base === undefined ? undefined : BY_NAME.get(base);
  if (shiftedKey !== undefined) return { ok: true, accelerator: { ...mods, shift: true, key: shiftedKey } };
  return { ok: false, reason: `"${last}" is not a key Concord knows` };
}

/** The canonical spelling: modifiers in the order Ctrl, Alt, Shift, Meta, then the key. */
export function formatAccelerator(accelerator: Accelerator): string {
  if (accelerator.key.modifier !== undefined) return accelerator.key.name;
  const parts: string[] = [];
  if (accelerator.ctrl) parts.push('Ctrl');
  if (accelerator.alt) parts.push('Alt');
  if (accelerator.shift) parts.push('Shift');
  if (accelerator.meta) parts.push('Meta');
  parts.push(accelerator.key.name);
  return parts.join('+');
}

/** The XDG shortcuts-spec trigger for the GlobalShortcuts portal (`CTRL+SHIFT+m`, `SHIFT+grave`). */
export function portalTriggerOf(accelerator: Accelerator): string {
  const parts: string[] = [];
  if (accelerator.key.modifier === undefined) {
    if (accelerator.ctrl) parts.push('CTRL');
    if (accelerator.alt) parts.push('ALT');
    if (accelerator.shift) parts.push('SHIFT');
    if (accelerator.meta) parts.push('LOGO');
  }
  parts.push(accelerator.key.xkb);
  return parts.join('+');
}

/** What the recorder and the in-page matcher read from a KeyboardEvent (`code` is layout-independent). */
export interface KeyEventLike {
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/**
 * The accelerator a keydown spells, by physical key (`Shift+\`` stays `Shift+\``, not `Shift+~`);
 * null for a lone modifier (the recorder waits for the main key) or a key outside the table.
 */
export function acceleratorOfKeyEvent(e: KeyEventLike): string | null {
  const info = BY_DOM_CODE.get(e.code);
  if (info === undefined || info.modifier !== undefined) return null;
  return formatAccelerator({ ctrl: e.ctrlKey, alt: e.altKey, shift: e.shiftKey, meta: e.metaKey, key: info });
}

/** Whether a keydown is this accelerator exactly (same key, same modifiers). */
export function keyEventMatches(accelerator: Accelerator, e: KeyEventLike): boolean {
  if (!accelerator.key.domCodes.includes(e.code)) return false;
  if (accelerator.key.modifier !== undefined) return true;
  return e.ctrlKey === accelerator.ctrl && e.altKey === accelerator.alt && e.shiftKey === accelerator.shift && e.metaKey === accelerator.meta;
}

/** Whether a key going up ends a hold of this accelerator: its key, or one of its modifiers. */
export function keyUpEndsHold(accelerator: Accelerator, code: string): boolean {
  if (accelerator.key.domCodes.includes(code)) return true;
  const modifier = BY_DOM_CODE.get(code)?.modifier;
  return modifier !== undefined && accelerator[modifier];
}

/** Which modifier a libuiohook keycode is, if any. */
export function modifierOfUiohookKeycode(keycode: number): ModifierName | null {
  for (const [name, info] of Object.entries(MODIFIER_KEYS) as [ModifierName, KeyInfo][]) if (info.uiohookKeycodes.includes(keycode)) return name;
  return null;
}

/** Every key the table knows (for tests: each maps to distinct codes). */
export const ACCELERATOR_KEYS: readonly KeyInfo[] = KEYS;
