// The modal frame: backdrop (click to close), header, body and footer slots.
import type { ReactNode } from 'react';
import { useUiStore } from '../state/uiStore.ts';
import { CloseIcon } from './Icons.dom.tsx';

export function Modal({ title, subtitle, children, footer, testId, width, align = 'center' }: {
  title: string;
  subtitle?: string;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  width?: number;
  align?: 'center' | 'left';
}) {
  const close = () => useUiStore.getState().closeModal();
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title} data-testid={testId} style={width ? { width } : undefined}>
        <header className={align === 'left' ? 'left' : ''}>
          <h2>{title}</h2>
          {subtitle ? <p>{subtitle}</p> : null}
          <button className="close" aria-label="Close" onClick={close}>
            <CloseIcon />
          </button>
        </header>
        <div className="body">{children}</div>
        {footer ? <footer>{footer}</footer> : null}
      </div>
    </div>
  );
}
