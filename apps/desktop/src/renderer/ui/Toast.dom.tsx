// A short confirmation at the bottom of the window ("Message ID copied").
import { useEffect, useState } from 'react';
import { useUiStore } from '../state/uiStore.ts';

export function Toast() {
  const toast = useUiStore((s) => s.toast);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!toast) return;
    setVisible(true);
    const t = setTimeout(() => setVisible(false), 2500);
    return () => clearTimeout(t);
  }, [toast]);
  if (!toast || !visible) return null;
  return (
    <div className="toast" role="status" data-testid="toast">
      {toast.text}
    </div>
  );
}
