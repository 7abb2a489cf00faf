// Emoji images and sticker files at Discord's CDN paths (/emojis/<id>.png|gif|webp,
// /stickers/<id>.png|gif|json). The stored bytes are served as uploaded whatever extension is asked
// for (there is no transcoding), labelled with their real type; unknown ids answer 404.
import type { TemplatedApp } from 'uWebSockets.js';
import type { ExpressionFile, ExpressionService } from '../domain/ExpressionService.ts';
import type { AttachmentStore } from '../store/AttachmentStore.ts';
import { respondNotFound, serveFile } from './serveFile.ts';
import type { UwsGuard } from './UwsGuard.ts';

const FILE_NAME = /^(\d{15,20})\.(png|gif|webp|json)$/;

export function attachExpressionFiles(app: TemplatedApp, guard: UwsGuard, expressions: ExpressionService, files: AttachmentStore): void {
  const serve = (kind: 'emojis' | 'stickers', find: (id: string) => ExpressionFile | null) =>
    app.get(
      `/${kind}/:file`,
      guard.http(kind, async (r, req) => {
        const m = FILE_NAME.exec(req.getParameter(0));
        const found = m ? find(m[1]!) : null;
        if (!found) {
          respondNotFound(r);
          return;
        }
        await serveFile(r, files.locate(found.sha256), {
          'content-type': found.contentType,
          'x-content-type-options': 'nosniff',
          // The bytes of an id never change (an edit renames, it does not replace the image).
          'cache-control': 'public, max-age=86400',
        });
      }),
    );
  serve('emojis', (id) => expressions.emojiFile(id));
  serve('stickers', (id) => expressions.stickerFile(id));
}
