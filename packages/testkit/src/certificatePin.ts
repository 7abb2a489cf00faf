// Chromium trusts a test server's self-signed voice certificate when started with
// `--ignore-certificate-errors-spki-list=<this hash>`: the base64 SHA-256 of the certificate's
// public key (SubjectPublicKeyInfo, DER), which is what that flag pins.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';

export function spkiHash(certFile: string): string {
  const key = new crypto.X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(key).digest('base64');
}
