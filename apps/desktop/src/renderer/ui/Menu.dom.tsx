// The frame of every right-click menu: placed at the pointer and kept inside the window, items that
// close the menu before they act, and failures shown as a toast. Which menu opens where is decided
// by ContextMenu.dom.tsx; each feature draws its own items.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useUiStore } from '../state/uiStore.ts';
import { errorText } from '../session/actions.ts';

export const closeContextMenu = () => useUiStore.getState().setContextMenu(null);

/** Runs a menu action in the background; a failure becomes a toast (the menu is gone by then). */
export function runOrToast(p: Promise<unknown>): void {
  p.catch((err: unknown) => useUiStore.getState().showToast(errorText(err)));
}

export function MenuFrame({ x, y, children }: { x: number; y: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.max(8, Math.min(x, window.innerWidth - r.width - 8)), top: Math.max(8, Math.min(y, window.innerHeight - r.height - 8)) });
  }, [x, y]);
  return (
    <div ref={ref} className="menu" style={pos} role="menu" data-testid="context-menu" onClick={(e) => e.stopPropagation()}>
      {children}
    </div>
  );
}

export function MenuItem({ label, onClick, danger, testId }: { label: string; onClick: () => void; danger?: boolean; testId?: string }) {
  return (
    <button
      className={`mi ${danger ? 'danger' : ''}`}
      role="menuitem"
      data-testid={testId}
      onClick={() => {
        closeContextMenu();
        onClick();
      }}
    >
      {label}
    </button>
  );
}
