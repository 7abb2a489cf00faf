// Sends a message with files as Discord's multipart form (`payload_json` + `files[n]`) over
// XMLHttpRequest, because fetch cannot report upload progress. Progress goes to the UI store.
import type { APIMessage } from '@concord/protocol';
import { RestError } from '@concord/client';
import { useUiStore } from '../state/uiStore.ts';
import { apiBaseUrl } from '../session/serverUrl.ts';
import { isMessage, isObj } from '../session/decoders.ts';

let uploadSeq = 0;

export interface UploadRequest {
  channelId: string;
  token: string;
  files: File[];
  payload: Record<string, unknown>;
}

export function uploadMessage(req: UploadRequest): Promise<APIMessage> {
  const id = `upload-${++uploadSeq}`;
  const totalBytes = req.files.reduce((n, f) => n + f.size, 0);
  const ui = useUiStore.getState();
  const base = { id, channelId: req.channelId, filenames: req.files.map((f) => f.name), totalBytes, error: null };
  ui.upsertUpload({ ...base, progress: 0, status: 'uploading' });

  const form = new FormData();
  form.append('payload_json', JSON.stringify({ ...req.payload, attachments: req.files.map((f, i) => ({ id: i, filename: f.name })) }));
  req.files.forEach((f, i) => form.append(`files[${i}]`, f, f.name));

  return new Promise<APIMessage>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const path = `/channels/${req.channelId}/messages`;
    xhr.open('POST', `${apiBaseUrl()}${path}`);
    xhr.setRequestHeader('authorization', req.token);
    xhr.upload.onprogress = (ev) => {
      if (!ev.lengthComputable) return;
      const progress = ev.total > 0 ? ev.loaded / ev.total : 0;
      useUiStore.getState().upsertUpload({ ...base, progress, status: progress >= 1 ? 'processing' : 'uploading' });
    };
    xhr.upload.onload = () => useUiStore.getState().upsertUpload({ ...base, progress: 1, status: 'processing' });
    const fail = (message: string, err: Error) => {
      useUiStore.getState().upsertUpload({ ...base, progress: 0, status: 'failed', error: message });
      reject(err);
    };
    xhr.onerror = () => fail('Upload failed: the server could not be reached.', new TypeError('network error during upload'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && isMessage(body)) {
        useUiStore.getState().removeUpload(req.channelId, id);
        resolve(body);
        return;
      }
      const code = isObj(body) && typeof body['code'] === 'number' ? body['code'] : 0;
      const message = isObj(body) && typeof body['message'] === 'string' ? body['message'] : `HTTP ${xhr.status}`;
      const friendly = xhr.status === 413 || code === 40005 ? `File too large: ${message}` : message;
      fail(friendly, new RestError(xhr.status, code, message, undefined, 'POST', path));
    };
    xhr.send(form);
  });
}
