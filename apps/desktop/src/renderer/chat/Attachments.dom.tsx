// Attachments under a message: images inline at their aspect ratio (click for the viewer),
// everything else as a download card with name and size.
import type { APIAttachment } from '@concord/protocol';
import { resolveMediaUrl } from '../session/serverUrl.ts';
import { formatBytes } from '../ui/format.ts';
import { useUiStore } from '../state/uiStore.ts';
import { DownloadIcon, FileIcon } from '../ui/Icons.dom.tsx';

const IMAGE_EXT = /\.(png|jpe?g|gif|webp|avif|bmp)$/i;
const MAX_W = 400;
const MAX_H = 300;

export function isImage(a: APIAttachment): boolean {
  return a.content_type ? a.content_type.startsWith('image/') : IMAGE_EXT.test(a.filename);
}

export function fitBox(width: number | null | undefined, height: number | null | undefined): { width: number; height: number } {
  if (!width || !height) return { width: 300, height: 200 };
  const scale = Math.min(1, MAX_W / width, MAX_H / height);
  return { width: Math.max(40, Math.round(width * scale)), height: Math.max(40, Math.round(height * scale)) };
}

export function Attachments({ attachments }: { attachments: APIAttachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <div className="attachments">
      {attachments.map((a) => {
        const url = resolveMediaUrl(a.url);
        if (isImage(a) && url) {
          const box = fitBox(a.width, a.height);
          return (
            <button
              key={a.id}
              className="attachment-image"
              style={{ width: box.width, height: box.height }}
              onClick={() => useUiStore.getState().setLightbox({ url, filename: a.filename })}
              aria-label={`Open ${a.filename}`}
            >
              <img src={url} alt={a.description ?? a.filename} data-testid="attachment-image" width={box.width} height={box.height} loading="lazy" />
            </button>
          );
        }
        return (
          <div key={a.id} className="file-card" data-testid="attachment-file">
            <span className="icon">
              <FileIcon size={32} />
            </span>
            <div className="meta">
              <a className="fname" href={url} download={a.filename} target="_blank" rel="noreferrer noopener">
                {a.filename}
              </a>
              <div className="fsize">{formatBytes(a.size)}</div>
            </div>
            <a className="icon-button" href={url} download={a.filename} aria-label={`Download ${a.filename}`} title="Download">
              <DownloadIcon size={20} />
            </a>
          </div>
        );
      })}
    </div>
  );
}
