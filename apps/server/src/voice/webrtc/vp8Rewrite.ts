// VP8 picture ids across a simulcast layer switch. Each layer of a sender numbers its pictures on
// its own (RFC 7741 PictureID, TL0PICIDX), so when a viewer's slot moves from one layer to another
// the ids would jump back and forth; Chromium's frame reference finder then takes the new layer's
// frames for old ones. A slot that switched keeps one running count: the id of every packet it
// forwards is shifted by the slot's offset, in a copy of the payload (the sender's bytes are shared
// by every viewer and never written). Untrusted bytes: a payload without the fields passes as is.

/** Where the picture id and TL0PICIDX sit in a VP8 payload (-1: absent), and whether the id is 15 bits. */
export interface Vp8Ids {
  pictureId: number;
  pictureIdAt: number;
  longId: boolean;
  tl0PicIdx: number;
  tl0At: number;
}

export function readVp8Ids(p: Uint8Array): Vp8Ids | null {
  if (p.length < 2 || (p[0]! & 0x80) === 0) return null;
  const x = p[1]!;
  let i = 2;
  const out: Vp8Ids = { pictureId: -1, pictureIdAt: -1, longId: false, tl0PicIdx: -1, tl0At: -1 };
  if ((x & 0x80) !== 0) {
    if (p.length <= i) return null;
    out.pictureIdAt = i;
    if ((p[i]! & 0x80) !== 0) {
      if (p.length <= i + 1) return null;
      out.longId = true;
      out.pictureId = ((p[i]! & 0x7f) << 8) | p[i + 1]!;
      i += 2;
    } else {
      out.pictureId = p[i]! & 0x7f;
      i += 1;
    }
  }
  if ((x & 0x40) !== 0) {
    if (p.length <= i) return null;
    out.tl0At = i;
    out.tl0PicIdx = p[i]!;
  }
  return out;
}

/** A copy of `p` with its picture id shifted by `pidOffset` and TL0PICIDX by `tl0Offset` (modulo their widths). */
export function rewriteVp8Ids(p: Buffer, ids: Vp8Ids, pidOffset: number, tl0Offset: number): Buffer {
  const out = Buffer.from(p);
  if (ids.pictureIdAt >= 0) {
    if (ids.longId) {
      const pid = (ids.pictureId + pidOffset) & 0x7fff;
      out[ids.pictureIdAt] = 0x80 | (pid >> 8);
      out[ids.pictureIdAt + 1] = pid & 0xff;
    } else {
      out[ids.pictureIdAt] = (ids.pictureId + pidOffset) & 0x7f;
    }
  }
  if (ids.tl0At >= 0) out[ids.tl0At] = (ids.tl0PicIdx + tl0Offset) & 0xff;
  return out;
}
