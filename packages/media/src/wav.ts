// 16-bit PCM WAV reading (mono or stereo), 20 ms framing and a linear resampler: how test fixtures
// and bots get PCM into the Opus encoder. The reader parses the RIFF chunks once and rejects
// anything that is not plain 16-bit PCM.

export interface PcmAudio {
  /** Interleaved samples. */
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export function readWav(file: Uint8Array): PcmAudio {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const tag = (offset: number): string => String.fromCharCode(file[offset] ?? 0, file[offset + 1] ?? 0, file[offset + 2] ?? 0, file[offset + 3] ?? 0);
  if (file.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let format: { channels: number; sampleRate: number; bits: number; code: number } | undefined;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > file.length) throw new Error('fmt chunk too short');
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (format === undefined) throw new Error('data chunk before fmt chunk');
      if (format.code !== WAVE_FORMAT_PCM && format.code !== WAVE_FORMAT_EXTENSIBLE) throw new Error(`WAV format ${String(format.code)} is not PCM`);
      if (format.bits !== 16) throw new Error(`${String(format.bits)}-bit WAV is not supported (16-bit only)`);
      if (format.channels !== 1 && format.channels !== 2) throw new Error(`${String(format.channels)} channels are not supported`);
      const length = Math.min(size, file.length - body) & ~1;
      const samples = new Int16Array(length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { samples, sampleRate: format.sampleRate, channels: format.channels };
    }
    offset = body + size + (size & 1); // chunks are padded to even sizes
  }
  throw new Error('no data chunk');
}

/**
 * Yields consecutive 20 ms frames (sampleRate / 50 samples per channel, interleaved); the last
 * partial frame is zero-padded. Each frame is a fresh array the consumer may keep.
 */
export function* frames20ms(samples: Int16Array, channels: 1 | 2, sampleRate = 48_000): Generator<Int16Array> {
  const frameLength = (sampleRate / 50) * channels;
  for (let start = 0; start < samples.length; start += frameLength) {
    const frame = new Int16Array(frameLength);
    frame.set(samples.subarray(start, Math.min(start + frameLength, samples.length)));
    yield frame;
  }
}

/** Linear-interpolation resampling of interleaved 16-bit PCM; good enough for speech fixtures. */
export function resampleLinear(samples: Int16Array, channels: 1 | 2, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples.slice();
  const inFrames = Math.floor(samples.length / channels);
  const outFrames = Math.floor((inFrames * toRate) / fromRate);
  const out = new Int16Array(outFrames * channels);
  const step = fromRate / toRate;
  for (let frame = 0; frame < outFrames; frame++) {
    const position = frame * step;
    const left = Math.floor(position);
    const right = Math.min(left + 1, inFrames - 1);
    const fraction = position - left;
    for (let channel = 0; channel < channels; channel++) {
      const a = samples[left * channels + channel] ?? 0;
      const b = samples[right * channels + channel] ?? 0;
      out[frame * channels + channel] = Math.round(a + (b - a) * fraction);
    }
  }
  return out;
}
