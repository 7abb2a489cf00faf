// Discord's zlib-stream transport compression: one zlib stream per connection, every frame ending
// in a sync flush (00 00 ff ff). Node has no synchronous streaming deflate (zlib's sync
// _processChunk closes its handle after one call), so each frame is compressed on its own as raw
// deflate with the last 32 KB sent as the preset dictionary: the client's inflater holds exactly
// that window, so the frames form one valid stream. The state is the window, nothing else.
import zlib from 'node:zlib';

const WINDOW_BYTES = 32 * 1024;
const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);
const FRAME_OPTIONS: zlib.ZlibOptions = { finishFlush: zlib.constants.Z_SYNC_FLUSH };

export class ZlibStream {
  private constructor(
    /** The uncompressed bytes sent so far, at most the last 32 KB (the client's inflate window). */
    private window: Buffer,
  ) {}

  /** The first message of a new stream (zlib header + `frame`); `continueAfter` picks the stream up from there. */
  static start(frame: Uint8Array): Buffer {
    return Buffer.concat([ZLIB_HEADER, zlib.deflateRawSync(frame, FRAME_OPTIONS)]);
  }

  /** The stream of a connection whose first message was `ZlibStream.start(first)`. */
  static continueAfter(first: Uint8Array): ZlibStream {
    return new ZlibStream(Buffer.from(first).subarray(-WINDOW_BYTES));
  }

  /** One frame, compressed as the next part of the stream. */
  compress(frame: Uint8Array): Buffer {
    const out = zlib.deflateRawSync(frame, { ...FRAME_OPTIONS, dictionary: this.window });
    this.window = Buffer.concat([this.window, frame]).subarray(-WINDOW_BYTES);
    return out;
  }
}
