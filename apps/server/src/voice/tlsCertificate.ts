// The voice gateway's TLS certificate. @discordjs/voice always dials `wss://`, so voice needs one
// even on a laptop: TLS_CERT_FILE/TLS_KEY_FILE when the admin has a real one, else a self-signed
// certificate made once under DATA_DIR/voice-tls and reused on every restart (bots trust it with
// NODE_EXTRA_CA_CERTS; the start-up log says so).
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { generate as generateSelfSigned } from 'selfsigned';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Whether the server made it (then clients must be told to trust it). */
  selfSigned: boolean;
}

export interface TlsCertificateOptions {
  dataDir: string;
  certFile: string | null;
  keyFile: string | null;
  /** The host name or address clients dial (added to the certificate's names). */
  publicHost: string;
}

const VALID_DAYS = 825;

/** Resolves the PEM files to serve; generates and stores a self-signed pair when none is configured or stored. */
export async function ensureTlsCertificate(options: TlsCertificateOptions): Promise<TlsFiles> {
  if (options.certFile !== null && options.keyFile !== null) {
    for (const [name, file] of [['TLS_CERT_FILE', options.certFile], ['TLS_KEY_FILE', options.keyFile]] as const) {
      if (!fs.existsSync(file)) throw new Error(`${name}=${file} does not exist: point it at a PEM file, or unset TLS_CERT_FILE and TLS_KEY_FILE to use a generated self-signed certificate`);
    }
    return { certFile: path.resolve(options.certFile), keyFile: path.resolve(options.keyFile), selfSigned: false };
  }
  const dir = path.join(options.dataDir, 'voice-tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (storedCertificateUsable(certFile, keyFile, options.publicHost)) return { certFile, keyFile, selfSigned: true };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const notBeforeDate = new Date(Date.now() - 60_000);
  const generated = await generateSelfSigned([{ name: 'commonName', value: options.publicHost }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      // A self-signed certificate is its own trust anchor; cA lets OpenSSL accept it as one.
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: altNames(options.publicHost) },
    ],
  });
  // Written key first and renamed into place, so a crash never leaves a cert without its key.
  writeAtomically(keyFile, generated.private, 0o600);
  writeAtomically(certFile, generated.cert, 0o644);
  return { certFile, keyFile, selfSigned: true };
}

/** The line the start-up log prints for a generated certificate. */
export function trustHint(files: TlsFiles): string {
  return `Voice uses a self-signed TLS certificate. For discord.js bots on another process, run them with NODE_EXTRA_CA_CERTS=${files.certFile} (or set TLS_CERT_FILE and TLS_KEY_FILE to a certificate clients already trust).`;
}

function altNames(publicHost: string): { type: 2 | 7; value?: string; ip?: string }[] {
  const names: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (publicHost !== 'localhost' && publicHost !== '127.0.0.1' && publicHost !== '::1') {
    names.push(net.isIP(publicHost) ? { type: 7, ip: publicHost } : { type: 2, value: publicHost });
  }
  return names;
}

/** Reuse the stored pair if both files parse, it is still valid for a week, and it names publicHost. */
function storedCertificateUsable(certFile: string, keyFile: string, publicHost: string): boolean {
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return false;
  try {
    const cert = new crypto.X509Certificate(fs.readFileSync(certFile));
    const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
    if (!cert.checkPrivateKey(key)) return false;
    if (Date.parse(cert.validTo) - Date.now() < 7 * 86_400_000) return false;
    return net.isIP(publicHost) ? cert.checkIP(publicHost) !== undefined : cert.checkHost(publicHost) !== undefined;
  } catch {
    // Unreadable or corrupt files: make a new pair (the caller overwrites them).
    return false;
  }
}

function writeAtomically(file: string, contents: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents, { mode });
  fs.renameSync(tmp, file);
}
