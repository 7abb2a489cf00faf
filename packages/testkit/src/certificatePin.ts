// Chromium trusts a test server's self-signed voice certificate when started with
// `--ignore-certificate-errors-spki-list=<this hash>`: the base64 SHA-256 of the certificate's
// public key (SubjectPublicKeyInfo, DER), which is what that flag pins.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';

export function spkiHash(certFile: string): string {
  const key = new crypto.X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(key).digest('base64');
}

export interface VoiceBrowserOptions {
  /** The voice gateway's self-signed certificate (pinned by its SPKI hash). */
  certFile: string;
  /** A WAV file the fake microphone plays in a loop; unset: Chromium's beep. */
  fakeAudioFile?: string;
  /** Grant camera/microphone/screen without a prompt (default true). */
  fakeUi?: boolean;
  /** Let pages play sound without a gesture (default true; false keeps Chromium's own rule). */
  autoplay?: boolean;
}

/** Chromium flags for voice and video e2e: fake devices, loopback ICE, the pinned voice certificate. */
export function voiceBrowserArgs(o: VoiceBrowserOptions): string[] {
  return [
    ...(o.fakeUi === false ? [] : ['--use-fake-ui-for-media-stream']),
    '--use-fake-device-for-media-stream',
    ...(o.fakeAudioFile === undefined ? [] : [`--use-file-for-fake-audio-capture=${o.fakeAudioFile}`]),
    ...(o.autoplay === false ? [] : ['--autoplay-policy=no-user-gesture-required']),
    '--allow-loopback-in-peer-connection',
    `--ignore-certificate-errors-spki-list=${spkiHash(o.certFile)}`,
  ];
}
