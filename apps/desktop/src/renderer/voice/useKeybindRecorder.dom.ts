// The keybind recorder as a React hook: while recording, every key event in the window is captured
// (before the page's own shortcuts and push-to-talk see it) and fed to recorderStep. Used by the
// Keybinds page (one recorder for all its actions) and Voice & Video's push-to-talk field.
import { useEffect, useRef, useState } from 'react';
import { recorderStep } from './keybindRecorder.ts';

export interface KeybindRecorder<Target extends string> {
  /** What is being recorded, or null. */
  readonly target: Target | null;
  /** Modifiers held so far while recording (`Ctrl+Shift`), else ''. */
  readonly held: string;
  /** Starts recording for `target` (null stops). */
  readonly record: (target: Target | null) => void;
}

export function useKeybindRecorder<Target extends string>(onRecorded: (target: Target, accelerator: string) => void): KeybindRecorder<Target> {
  const [target, setTarget] = useState<Target | null>(null);
  const [held, setHeld] = useState('');
  // The latest callback, so a recording finished after a settings change writes over the new settings.
  const recorded = useRef(onRecorded);
  recorded.current = onRecorded;
  useEffect(() => {
    if (target === null) return;
    const onKey = (e: KeyboardEvent) => {
      e.preventDefault();
      e.stopPropagation();
      const step = recorderStep(e);
      switch (step.kind) {
        case 'cancel':
          setTarget(null);
          return;
        case 'held':
          setHeld(step.modifiers);
          return;
        case 'recorded':
          recorded.current(target, step.accelerator);
          setTarget(null);
          return;
        default: {
          const never: never = step;
          throw new Error(`unknown recorder step ${JSON.stringify(never)}`);
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('keyup', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('keyup', onKey, true);
      setHeld('');
    };
  }, [target]);
  return { target, held, record: setTarget };
}
