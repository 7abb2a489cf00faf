// Node's native Buffer string methods, looked up once for the binary codec. They accept any
// Uint8Array, and past a few dozen characters one native call beats a JS loop over char codes (and
// TextEncoder/TextDecoder, which cost a call plus a view each). Each is null outside Node (the
// browser renderer), where the codec keeps its portable paths; each is checked on a known input.

type SliceMethod = (this: Uint8Array, start: number, end: number) => string;
type WriteMethod = (this: Uint8Array, value: string, offset: number, maxLength: number) => number;

function bufferMethod(name: string): unknown {
  const bufferClass: unknown = Reflect.get(globalThis, 'Buffer');
  if (typeof bufferClass !== 'function') return null;
  const proto: unknown = Reflect.get(bufferClass, 'prototype');
  if (typeof proto !== 'object' || proto === null) return null;
  return Reflect.get(proto, name);
}

function sliceMethod(name: string, bytes: Uint8Array, expected: string): SliceMethod | null {
  const method = bufferMethod(name);
  if (typeof method !== 'function') return null;
  // A function of the platform, not data: its signature is Node's (start, end) => string.
  const typed = method as SliceMethod;
  return typed.call(bytes, 0, bytes.length) === expected ? typed : null;
}

function findUtf8Write(): WriteMethod | null {
  const method = bufferMethod('utf8Write');
  if (typeof method !== 'function') return null;
  // Node's (string, offset, maxLength) => bytes written.
  const typed = method as WriteMethod;
  const probe = new Uint8Array(4);
  return typed.call(probe, 'h\u00e9', 1, 3) === 3 && probe[1] === 0x68 && probe[2] === 0xc3 && probe[3] === 0xa9 ? typed : null;
}

/** Bytes as Latin-1 code points (every byte sequence is a valid string). */
export const latin1Slice = sliceMethod('latin1Slice', Uint8Array.of(0x68, 0x69), 'hi');

/**
 * Bytes as UTF-8, with U+FFFD for each invalid sequence (not fatal: a result containing U+FFFD
 * must be checked again), and a leading BOM kept.
 */
export const utf8Slice = sliceMethod('utf8Slice', Uint8Array.of(0xef, 0xbb, 0xbf, 0xc3, 0xa9), '\ufeff\u00e9');

/** Writes a string as UTF-8 (lone surrogates as U+FFFD, as TextEncoder does) and returns the byte count. */
export const utf8Write = findUtf8Write();
