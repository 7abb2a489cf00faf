// Full-screen image viewer for attachments (Esc or click outside to close).
import { useUiStore } from '../state/uiStore.ts';

export function Lightbox() {
  const lightbox = useUiStore((s) => s.lightbox);
  if (!lightbox) return null;
  return (
    <div className="lightbox" onClick={() => useUiStore.getState().setLightbox(null)} data-testid="lightbox" role="dialog" aria-label={lightbox.filename}>
      <img src={lightbox.url} alt={lightbox.filename} onClick={(e) => e.stopPropagation()} />
      <a href={lightbox.url} target="_blank" rel="noreferrer noopener" onClick={(e) => e.stopPropagation()}>
        Open original
      </a>
    </div>
  );
}
