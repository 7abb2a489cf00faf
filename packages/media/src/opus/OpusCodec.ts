// Opus at 48 kHz in 20 ms frames behind one interface, over @discordjs/opus (native, prebuilt) when
// it loads and opusscript (pure WASM) otherwise, so installing never needs a compiler.
// CONCORD_OPUS=wasm forces the WASM backend. Both libraries expose opus_decode only with
// decode_fec=0, so FEC recovery (`decodeFec`) is not possible through them: `canDecodeFec` says so
// and `decodeFec` falls back to concealment. The encoder still writes in-band FEC (LBRR) for peers
// whose decoders can use it (browsers, Discord clients).
import { createRequire } from 'node:module';
import type { OpusEncoder as NativeOpus } from '@discordjs/opus';
import type OpusScript from 'opusscript';

export const OPUS_SAMPLE_RATE = 48_000;
/** Samples per channel in one 20 ms frame at 48 kHz. */
export const OPUS_FRAME_SAMPLES = 960;

export type OpusBackend = 'native' | 'wasm';
export type OpusApplication = 'voip' | 'audio' | 'lowdelay';

export interface OpusEncoderOptions {
  readonly channels: 1 | 2;
  readonly bitrate?: number;
  /** In-band FEC (OPUS_SET_INBAND_FEC); only emitted when `expectedLossPercent` > 0. */
  readonly fec?: boolean;
  /** OPUS_SET_PACKET_LOSS_PERC: how much redundancy the encoder spends on FEC. Default 10 with fec. */
  readonly expectedLossPercent?: number;
  readonly dtx?: boolean;
  readonly application?: OpusApplication;
  readonly backend?: OpusBackend;
}

export interface OpusDecoderOptions {
  readonly channels: 1 | 2;
  readonly backend?: OpusBackend;
}

export interface OpusEncoder {
  readonly backend: OpusBackend;
  readonly channels: 1 | 2;
  /** pcm holds 960 * channels interleaved samples. The returned buffer is the caller's. */
  encode(pcm: Int16Array): Buffer;
  setBitrate(bitrate: number): void;
  setExpectedLossPercent(percent: number): void;
  close(): void;
}

export interface OpusDecoder {
  readonly backend: OpusBackend;
  readonly channels: 1 | 2;
  /** False for both bundled backends: neither exposes opus_decode(..., decode_fec=1). */
  readonly canDecodeFec: boolean;
  /** Decodes one packet; throws on a corrupt packet (callers at the boundary count and conceal). */
  decode(packet: Uint8Array): Int16Array;
  /** Recovers the frame before `nextPacket` from its in-band FEC where possible, else conceals. */
  decodeFec(nextPacket: Uint8Array): Int16Array;
  /** Packet loss concealment for one lost 20 ms frame. */
  conceal(): Int16Array;
  close(): void;
}

// libopus CTL request numbers (opus_defines.h).
const OPUS_SET_APPLICATION = 4000;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_INBAND_FEC = 4012;
const OPUS_SET_PACKET_LOSS_PERC = 4014;
const OPUS_SET_DTX = 4016;
const APPLICATION_CODES: Record<OpusApplication, number> = { voip: 2048, audio: 2049, lowdelay: 2051 };
const WASM_APPLICATION_NAMES = { voip: 'VOIP', audio: 'AUDIO', lowdelay: 'RESTRICTED_LOWDELAY' } as const;

/** A DTX frame (the encoder had nothing to say): one or two bytes, not worth sending. */
export function isOpusDtxFrame(packet: Uint8Array): boolean {
  return packet.length <= 2;
}

// ESM gives this file's URL; a CommonJS bundle (the desktop main process) has an empty import.meta
// but __filename.
const require = createRequire((import.meta as { url?: string }).url ?? __filename);
type NativeModule = { OpusEncoder: new (rate: number, channels: number) => NativeOpus };
let nativeModule: NativeModule | null | undefined;
let wasmClass: typeof OpusScript | undefined;

function loadNative(): NativeModule | null {
  if (nativeModule !== undefined) return nativeModule;
  try {
    nativeModule = require('@discordjs/opus') as NativeModule;
  } catch {
    // No prebuilt binary for this platform and no compiler: the WASM backend takes over.
    nativeModule = null;
  }
  return nativeModule;
}

function loadWasm(): typeof OpusScript {
  wasmClass ??= require('opusscript') as typeof OpusScript;
  return wasmClass;
}

/** Which backend a new codec gets: the one asked for, else native unless CONCORD_OPUS=wasm. */
export function resolveOpusBackend(requested?: OpusBackend): OpusBackend {
  if (requested === 'wasm') return 'wasm';
  if (requested === 'native') {
    if (loadNative() === null) throw new Error('@discordjs/opus is not available on this platform; use the wasm backend');
    return 'native';
  }
  if (process.env['CONCORD_OPUS'] === 'wasm') return 'wasm';
  return loadNative() === null ? 'wasm' : 'native';
}

/** The low-level calls both libraries share, so the encoder and decoder are written once. */
interface OpusHandle {
  encode(pcm: Buffer): Buffer;
  decode(packet: Buffer): Buffer;
  encoderCtl(ctl: number, value: number): void;
  close(): void;
}

function openHandle(backend: OpusBackend, channels: number, application: OpusApplication): OpusHandle {
  if (backend === 'native') {
    const native = loadNative();
    if (native === null) throw new Error('@discordjs/opus is not available');
    const codec = new native.OpusEncoder(OPUS_SAMPLE_RATE, channels);
    // Must precede the first encode; the native binding always creates an 'audio' encoder.
    codec.applyEncoderCTL(OPUS_SET_APPLICATION, APPLICATION_CODES[application]);
    return {
      encode: (pcm) => codec.encode(pcm),
      decode: (packet) => codec.decode(packet),
      encoderCtl: (ctl, value) => { codec.applyEncoderCTL(ctl, value); },
      close: () => { /* freed by the binding's finalizer */ },
    };
  }
  const Wasm = loadWasm();
  const codec = new Wasm(OPUS_SAMPLE_RATE, channels, Wasm.Application[WASM_APPLICATION_NAMES[application]]);
  let open = true;
  return {
    encode: (pcm) => codec.encode(pcm, OPUS_FRAME_SAMPLES),
    decode: (packet) => codec.decode(packet),
    encoderCtl: (ctl, value) => { codec.encoderCTL(ctl, value); },
    close: () => {
      // WASM heap memory is not garbage collected: release it exactly once.
      if (open) codec.delete();
      open = false;
    },
  };
}

function pcmBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

function toInt16(bytes: Buffer): Int16Array {
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  const copy = new Int16Array(bytes.length >> 1);
  new Uint8Array(copy.buffer).set(bytes.subarray(0, copy.length * 2));
  return copy;
}

export function createOpusEncoder(options: OpusEncoderOptions): OpusEncoder {
  const backend = resolveOpusBackend(options.backend);
  const { channels } = options;
  const handle = openHandle(backend, channels, options.application ?? 'voip');
  const expected = channels * OPUS_FRAME_SAMPLES;
  handle.encoderCtl(OPUS_SET_BITRATE, options.bitrate ?? 64_000);
  const fec = options.fec ?? true;
  handle.encoderCtl(OPUS_SET_INBAND_FEC, fec ? 1 : 0);
  handle.encoderCtl(OPUS_SET_PACKET_LOSS_PERC, options.expectedLossPercent ?? (fec ? 10 : 0));
  handle.encoderCtl(OPUS_SET_DTX, options.dtx === true ? 1 : 0);
  return {
    backend,
    channels,
    encode(pcm) {
      if (pcm.length !== expected) throw new RangeError(`expected ${String(expected)} samples (20 ms), got ${String(pcm.length)}`);
      return handle.encode(pcmBytes(pcm));
    },
    setBitrate(bitrate) { handle.encoderCtl(OPUS_SET_BITRATE, bitrate); },
    setExpectedLossPercent(percent) { handle.encoderCtl(OPUS_SET_PACKET_LOSS_PERC, Math.max(0, Math.min(100, Math.round(percent)))); },
    close() { handle.close(); },
  };
}

export function createOpusDecoder(options: OpusDecoderOptions): OpusDecoder {
  const backend = resolveOpusBackend(options.backend);
  const { channels } = options;
  const handle = openHandle(backend, channels, 'voip');
  const silence = new Int16Array(OPUS_FRAME_SAMPLES * channels);
  // A code-0 packet holding only a TOC byte makes libopus conceal exactly one frame of the TOC's
  // duration (the same path DTX takes); calling it with an empty packet would conceal 60-120 ms.
  const concealPacket = Buffer.alloc(1);
  let haveToc = false;
  const conceal = (): Int16Array => (haveToc ? toInt16(handle.decode(concealPacket)) : silence.slice());
  return {
    backend,
    channels,
    canDecodeFec: false,
    decode(packet) {
      const first = packet[0];
      if (first === undefined) return conceal();
      const out = toInt16(handle.decode(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength)));
      // Remember this packet's mode, bandwidth and frame size (code 0 = one frame) for concealment.
      concealPacket[0] = first & 0xfc;
      haveToc = true;
      return out;
    },
    decodeFec: () => conceal(),
    conceal,
    close() { handle.close(); },
  };
}
