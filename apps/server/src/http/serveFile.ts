// Files (attachments, the web client) are streamed with backpressure: read in chunks, written with
// tryEnd, and the read pauses while the socket is full (onWritable resumes it). A slow or
// stalled downloader holds one chunk, never the whole file.
import fs from 'node:fs';
import type { ResponseState } from './UwsGuard.ts';

const CHUNK_BYTES = 64 * 1024;
export const NOT_FOUND_BODY = '{"message":"404: Not Found","code":0}';

export function respondNotFound(r: ResponseState): void {
  r.respond('404 Not Found', { 'content-type': 'application/json' }, NOT_FOUND_BODY);
}

/** Streams `file` with `headers`; 404 when it is missing or not a regular file. */
export async function serveFile(r: ResponseState, file: string | null, headers: Record<string, string>): Promise<void> {
  if (!file) {
    respondNotFound(r);
    return;
  }
  let size: number;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
  } catch {
    respondNotFound(r);
    return;
  }
  if (!r.writable) return;
  if (size === 0) {
    r.respond('200 OK', headers, '');
    return;
  }
  streamFile(r, file, size, headers);
}

function streamFile(r: ResponseState, file: string, size: number, headers: Record<string, string>): void {
  const res = r.res;
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let headersWritten = false;
  r.onAbort(() => stream.destroy());

  /**
   * Writes one chunk: 'more' when the socket took all of it and the response goes on, 'full' when
   * the socket is full (the rest waits for onWritable), 'closed' when the response is finished or aborted.
   */
  const write = (chunk: Uint8Array): 'more' | 'full' | 'closed' => {
    let result: [ok: boolean, done: boolean] = [false, false];
    res.cork(() => {
      if (!headersWritten) {
        headersWritten = true;
        res.writeStatus('200 OK');
        for (const [k, v] of Object.entries(headers)) res.writeHeader(k, v);
      }
      result = res.tryEnd(chunk, size);
    });
    const [ok, done] = result;
    if (done) {
      r.markDone();
      stream.destroy();
    }
    if (!r.writable) return 'closed';
    return ok ? 'more' : 'full';
  };

  stream.on('data', (data) => {
    if (!r.writable) {
      stream.destroy();
      return;
    }
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    const startOffset = res.getWriteOffset();
    if (write(chunk) !== 'full') return;
    // The socket is full: stop reading until uWS says it can take more, then send the rest of this chunk.
    stream.pause();
    res.onWritable((offset) => {
      if (!r.writable) return true;
      const status = write(chunk.subarray(offset - startOffset));
      if (status === 'more') stream.resume();
      // Anything but 'full' ends this wait (a closed response wants no more onWritable calls).
      return status !== 'full';
    });
  });
  stream.on('error', () => {
    if (!r.writable) return;
    if (!headersWritten) respondNotFound(r);
    else {
      // Part of the body is out: the only honest end is to cut the connection.
      r.markDone();
      res.close();
    }
  });
  stream.on('end', () => {
    // The file shrank while it was read: the promised length cannot be met.
    if (r.writable) {
      r.markDone();
      res.close();
    }
  });
}
