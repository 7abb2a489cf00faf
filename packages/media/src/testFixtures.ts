// Test-only: loads the checked-in espeak-ng speech fixture (3.6 s, 48 kHz mono) from testkit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readWav, type PcmAudio } from './wav.ts';

export const SPEECH_FIXTURE_PATH = fileURLToPath(new URL('../../testkit/fixtures/speech-48k-mono.wav', import.meta.url));

export function loadSpeechFixture(): PcmAudio {
  return readWav(readFileSync(SPEECH_FIXTURE_PATH));
}
