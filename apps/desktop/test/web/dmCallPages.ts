// Two friends with a DM, each signed in on a page of one Chromium with fake media and the server's
// voice certificate pinned; Ava has the DM open, Ben is on Home. The set-up of the DM call e2e files.
import { ConcordApi } from '@concord/client';
import { voiceBrowserArgs } from '@concord/testkit';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildWebClient, launchChromium, openSignedInPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';

export interface DmCallPages {
  server: TestServer;
  browser: Browser;
  ava: UserPage;
  ben: UserPage;
  avaId: string;
  benId: string;
  dmId: string;
}

export async function openDmCallPages(o: { fakeAudioFile?: string } = {}): Promise<DmCallPages> {
  const server = await startTestServer(await buildWebClient(), { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
  const certFile = path.join(server.dataDir, 'voice-tls/cert.pem');
  if (!existsSync(certFile)) throw new Error(`the server made no voice certificate at ${certFile}`);
  const suffix = Date.now().toString(36).slice(-5);
  const a = await registerViaApi(server.url, `ava_${suffix}`);
  const b = await registerViaApi(server.url, `ben_${suffix}`);
  const avaApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: a.token });
  const benApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: b.token });
  await avaApi.addFriend(b.id);
  await benApi.addFriend(a.id);
  const dmId = (await avaApi.createDM(b.id)).id;
  const browser = await launchChromium({ args: voiceBrowserArgs({ certFile, ...(o.fakeAudioFile === undefined ? {} : { fakeAudioFile: o.fakeAudioFile }) }) });
  const ava = await openSignedInPage(browser, server.url, `ava_${suffix}`, a.token);
  const ben = await openSignedInPage(browser, server.url, `ben_${suffix}`, b.token);
  if (process.env['VOICE_E2E_CONSOLE'] === '1') for (const u of [ava, ben]) u.page.on('console', (m) => console.log(`[${u.username}] ${m.type()}: ${m.text()}`));
  await ava.page.click('[data-testid=home-button]');
  await ava.page.click(`[data-testid=dm-item][data-channel-id="${dmId}"]`);
  await ava.page.locator(`[data-testid=chat-view][data-channel-id="${dmId}"]`).waitFor();
  await ben.page.click('[data-testid=home-button]');
  return { server, browser, ava, ben, avaId: a.id, benId: b.id, dmId };
}
