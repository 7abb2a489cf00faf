// VoiceUdpSocket against a real UDP peer that never answers IP discovery: closing the socket while
// discovery is pending ends it at once, and its retry timer stops (a retry sending on the closed
// socket was an uncaught ERR_SOCKET_DGRAM_NOT_RUNNING when a voice node failed over mid-join).
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { VoiceUdpSocket } from './VoiceUdpSocket.ts';

describe('VoiceUdpSocket', () => {
  const silent = dgram.createSocket('udp4');
  afterEach(() => { silent.removeAllListeners('message'); });

  it('rejects a pending discovery on close and sends nothing more', async () => {
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    let requests = 0;
    silent.on('message', () => { requests++; });
    const udp = await VoiceUdpSocket.open('127.0.0.1', silent.address().port, () => {});
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => { uncaught.push(e); };
    process.on('uncaughtException', onUncaught);
    try {
      const pending = udp.discover(1234, 5_000);
      await new Promise((r) => setTimeout(r, 700)); // the first request and one retry
      udp.close();
      await expect(pending).rejects.toThrow('closed');
      const seen = requests;
      expect(seen).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 1_200)); // two more retry periods
      expect(requests).toBe(seen);
      expect(uncaught).toEqual([]);
      await expect(udp.discover(1234, 100)).rejects.toThrow('closed');
    } finally {
      process.off('uncaughtException', onUncaught);
      silent.close();
    }
  });
});
