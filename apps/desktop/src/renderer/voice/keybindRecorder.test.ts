import { describe, expect, it } from 'vitest';
import { formatAccelerator, keyEventMatches, parseAccelerator } from '../../shared/accelerator.ts';
import { recorderStep, type RecordedKeyEvent } from './keybindRecorder.ts';

const press = (code: string, mods: Partial<Pick<RecordedKeyEvent, 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>> = {}): RecordedKeyEvent => ({
  type: 'keydown',
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('keybind recorder (Keybinds page and Voice & Video push-to-talk)', () => {
  it.each([
    ['Space', press('Space')],
    ['Shift+`', press('Backquote', { shiftKey: true })],
    ['F13', press('F13')],
    ['Ctrl+Shift+M', press('KeyM', { ctrlKey: true, shiftKey: true })],
  ])('records %s so that the accelerator parser reads it back and matches the same key press', (expected, event) => {
    const step = recorderStep(event);
    expect(step).toEqual({ kind: 'recorded', accelerator: expected });
    const parsed = parseAccelerator(expected);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(formatAccelerator(parsed.accelerator)).toBe(expected);
    expect(keyEventMatches(parsed.accelerator, event)).toBe(true);
    expect(keyEventMatches(parsed.accelerator, { ...event, altKey: true })).toBe(false);
  });

  it('shows modifiers held alone, cancels on a bare Escape, and ignores key-ups', () => {
    expect(recorderStep(press('ControlLeft', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'held', modifiers: 'Ctrl+Shift' });
    expect(recorderStep(press('Escape'))).toEqual({ kind: 'cancel' });
    expect(recorderStep(press('Escape', { shiftKey: true }))).toEqual({ kind: 'recorded', accelerator: 'Shift+Escape' });
    expect(recorderStep({ ...press('KeyM'), type: 'keyup' })).toEqual({ kind: 'held', modifiers: '' });
    expect(recorderStep(press('Lang9'))).toEqual({ kind: 'held', modifiers: '' });
  });
});
