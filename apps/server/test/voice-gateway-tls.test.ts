// Voice from the one-command start: the generated certificate (made once, reused, verifiable with
// NODE_EXTRA_CA_CERTS-style trust and refused without it), TLS_CERT_FILE/TLS_KEY_FILE, the voice
// endpoint the server hands out, and the UDP self-test.
import { VoiceOpcode } from '@concord/protocol';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ensureTlsCertificate } from '../src/voice/tlsCertificate.ts';
import { UdpMediaServer } from '../src/voice/udp/UdpMediaServer.ts';
import { udpSelfTest } from '../src/voice/udpSelfTest.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RawVoiceClient } from './voice-gatewayClient.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('the TLS certificate', () => {
  it('is generated under DATA_DIR/voice-tls, names localhost, and verifies only for a client that trusts it', async () => {
    const ca = t.voiceCaFile!;
    expect(ca).toBe(path.join(t.dataDir, 'voice-tls', 'cert.pem'));
    const endpoint = t.server.voice!.node.endpoint;
    expect(endpoint).toBe(`localhost:${String(t.server.voice!.node.gatewayPort)}`);
    const trusted = RawVoiceClient.connect(t.server.voice!.node.gatewayPort, ca);
    expect((await trusted.next(VoiceOpcode.Hello)).d.v).toBe(8);
    trusted.close();
    const untrusted = new WebSocket(`wss://${endpoint}?v=8`);
    const error = await new Promise<Error>((resolve) => untrusted.once('error', resolve));
    expect(error.message).toMatch(/self[- ]signed/i);
  });

  it('is reused on restart, and replaced when it does not name the public host', async () => {
    const before = fs.readFileSync(t.voiceCaFile!, 'utf8');
    await t.restart();
    expect(fs.readFileSync(t.voiceCaFile!, 'utf8')).toBe(before);
    const other = await ensureTlsCertificate({ dataDir: t.dataDir, certFile: null, keyFile: null, publicHost: 'voice.example.org' });
    expect(fs.readFileSync(other.certFile, 'utf8')).not.toBe(before);
  });

  it('uses TLS_CERT_FILE and TLS_KEY_FILE when given, and refuses a missing file or only one of them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-tls-'));
    const made = await ensureTlsCertificate({ dataDir: dir, certFile: null, keyFile: null, publicHost: 'localhost' });
    const given = await ensureTlsCertificate({ dataDir: t.dataDir, certFile: made.certFile, keyFile: made.keyFile, publicHost: 'localhost' });
    expect(given).toEqual({ certFile: made.certFile, keyFile: made.keyFile, selfSigned: false });
    await expect(ensureTlsCertificate({ dataDir: dir, certFile: path.join(dir, 'nope.pem'), keyFile: made.keyFile, publicHost: 'localhost' })).rejects.toThrow(/TLS_CERT_FILE/);
    expect(() => loadConfig({ TLS_CERT_FILE: made.certFile })).toThrow(/set both or neither/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('voice configuration', () => {
  it('defaults to 8443 and UDP 50000 on localhost, follows PORT=0, and can be switched off', () => {
    expect(loadConfig({}).voice).toMatchObject({ port: 8443, udpPort: 50000, host: '127.0.0.1', publicHost: 'localhost', publicIp: '127.0.0.1' });
    expect(loadConfig({ PORT: '0' }).voice).toMatchObject({ port: 0, udpPort: 0 });
    expect(loadConfig({ HOST: '10.1.2.3' }).voice).toMatchObject({ host: '10.1.2.3', publicHost: '10.1.2.3', publicIp: '10.1.2.3' });
    expect(loadConfig({ VOICE_PUBLIC_IP: '203.0.113.9', VOICE_PUBLIC_HOST: 'voice.example.org' }).voice).toMatchObject({ publicIp: '203.0.113.9', publicHost: 'voice.example.org' });
    expect(loadConfig({ VOICE: 'off' }).voice).toBeNull();
    expect(() => loadConfig({ VOICE_PUBLIC_IP: 'not-an-ip' })).toThrow(/VOICE_PUBLIC_IP/);
  });
});

describe('the UDP self-test', () => {
  it('reports reachable when the media server answers IP discovery, and not when nothing listens there', async () => {
    const media = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
    const ok = await udpSelfTest(media);
    expect(ok).toMatchObject({ reachable: true });
    if (ok.reachable) expect(ok.seenAs).toMatch(/^127\.0\.0\.1:\d+$/);
    await media.close();
    // A wrong VOICE_PUBLIC_IP: READY would send clients where nobody answers.
    const misannounced = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.2' });
    expect(await udpSelfTest(misannounced, 300)).toMatchObject({ reachable: false });
    await misannounced.close();
  });
});
