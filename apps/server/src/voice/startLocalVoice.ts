// Voice from the one-command start: the TLS certificate (given or generated), the UDP media server,
// the voice gateway in front of it, and the UDP self-test whose answer goes to the log.
import type { Logger } from 'pino';
import type { VoiceConfig } from '../config.ts';
import type { UwsGuard } from '../http/UwsGuard.ts';
import { LocalVoiceNode } from './LocalVoiceNode.ts';
import { ensureTlsCertificate, trustHint } from './tlsCertificate.ts';
import { UdpMediaServer } from './udp/UdpMediaServer.ts';
import { describeUdpSelfTest, udpSelfTest } from './udpSelfTest.ts';
import { iceOptionsFor } from './webrtc/iceOptions.ts';
import { WebRtcMedia } from './webrtc/WebRtcMedia.ts';

export interface LocalVoice {
  node: LocalVoiceNode;
  /** The generated certificate clients must trust (NODE_EXTRA_CA_CERTS), or null when TLS_CERT_FILE is used. */
  selfSignedCertFile: string | null;
  /** Settles when the UDP self-test has been logged. */
  selfTest: Promise<void>;
}

export async function startLocalVoice(config: VoiceConfig, dataDir: string, guard: UwsGuard, log: Logger): Promise<LocalVoice> {
  const tls = await ensureTlsCertificate({ dataDir, certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, publicHost: config.publicHost });
  if (tls.selfSigned) log.info({ cert: tls.certFile }, trustHint(tls));
  const media = await UdpMediaServer.start({ host: config.host, port: config.udpPort, publicIp: config.publicIp, log });
  // Browsers join the same rooms over WebRTC (host candidates on VOICE_UDP_PORT+1..VOICE_UDP_PORT_MAX).
  const withBrowsers = new WebRtcMedia(media, iceOptionsFor(config), log);
  let node: LocalVoiceNode;
  try {
    node = await LocalVoiceNode.start(withBrowsers, { host: config.host, port: config.port, certFile: tls.certFile, keyFile: tls.keyFile, publicHost: config.publicHost }, guard, log);
  } catch (e) {
    await withBrowsers.close();
    throw e;
  }
  log.info({ endpoint: node.endpoint, udp: `${media.publicIp}:${String(media.port)}` }, `Voice gateway on wss://${node.endpoint}, UDP media on ${config.host}:${String(media.port)}`);
  const selfTest = udpSelfTest(media).then(
    (result) => {
      if (result.reachable) log.info({ udpSelfTest: result }, describeUdpSelfTest(result, media));
      else log.warn({ udpSelfTest: result }, describeUdpSelfTest(result, media));
    },
    (e: unknown) => guard.report('voice.udpSelfTest', e),
  );
  return { node, selfSignedCertFile: tls.selfSigned ? tls.certFile : null, selfTest };
}
