// The files of a multipart message, from the parsed body to the disk. Reading them touches no disk:
// the records (hash, size, image dimensions) are computed in memory, the message's checks run
// (ATTACH_FILES, slowmode, auto-moderation), and only then are the files written; if the message
// is then not stored, the files this upload created are removed again.
import type { MultipartField } from 'uWebSockets.js';
import { AttachmentStore, contentTypeFor, imageSize } from '../store/AttachmentStore.ts';
import type { AttachmentRecord } from '../store/records.ts';
import { DomainError } from '../domain/DomainError.ts';

const MAX_FILES = 10;
const FILE_FIELD = /^files\[\d+\]$|^file\d*$/;

export interface DescribedAttachment {
  id: string | number;
  description?: string | undefined;
  filename?: string | undefined;
}

interface PendingFile {
  record: AttachmentRecord;
  data: Uint8Array;
  /** Set once written: whether this upload created the file (and so may remove it). */
  created: boolean | null;
}

export class PendingUploads {
  private constructor(
    private readonly store: AttachmentStore,
    private readonly files: PendingFile[],
  ) {}

  /** The files of a multipart body; `described` (the JSON's `attachments`) may rename and describe them. */
  static read(store: AttachmentStore, parts: readonly MultipartField[], described: readonly DescribedAttachment[] | undefined, maxUploadBytes: number, nextId: () => string): PendingUploads {
    const fileParts = parts.filter((p) => p.filename !== undefined && FILE_FIELD.test(p.name));
    if (fileParts.length > MAX_FILES) throw DomainError.fieldError('files', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_FILES} or fewer in length.`);
    const files: PendingFile[] = [];
    for (const [index, part] of fileParts.entries()) {
      const data = new Uint8Array(part.data);
      if (data.byteLength > maxUploadBytes) {
        throw new DomainError('RequestEntityTooLarge', `Request entity too large: files may be at most ${Math.floor(maxUploadBytes / (1024 * 1024))} MB`);
      }
      const slot = /\[(\d+)\]/.exec(part.name)?.[1] ?? String(index);
      const meta = described?.find((a) => String(a.id) === slot);
      // eslint-disable-next-line no-control-regex -- control characters are what this strips from the stored file name
      const filename = (meta?.filename ?? part.filename ?? 'file').replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 255) || 'file';
      const type = contentTypeFor(filename);
      const size = type.startsWith('image/') ? imageSize(data) : null;
      const record: AttachmentRecord = { id: nextId(), filename, size: data.byteLength, content_type: type, sha256: AttachmentStore.hash(data), width: size?.width ?? null, height: size?.height ?? null };
      if (meta?.description) record.description = meta.description;
      files.push({ record, data, created: null });
    }
    return new PendingUploads(store, files);
  }

  get records(): AttachmentRecord[] {
    return this.files.map((f) => f.record);
  }

  /** Writes the files; called once the message passed every check. */
  async write(): Promise<void> {
    for (const f of this.files) f.created = await this.store.hold(f.record.sha256, f.data);
  }

  /** Ends the upload: keeps the files when the message was stored, else removes what it created. */
  async settle(stored: boolean): Promise<void> {
    for (const f of this.files) {
      if (f.created === null) continue;
      await this.store.release(f.record.sha256, f.created, stored);
      f.created = null;
    }
  }
}
