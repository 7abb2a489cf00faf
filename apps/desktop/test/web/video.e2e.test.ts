// Video and Go Live in the web client, Chromium pages against the real server (voice gateway over
// TLS, WebRTC into the SFU; Chromium's fake camera and fake screen capture): ava turns on her camera
// and shares her screen from the Voice Connected panel; ben sees LIVE beside her name, clicks
// Watch Stream and decodes frames of both (framesDecoded rising on his video receive slots, read
// through the debug hook); Stop Streaming ends the stream on ben's page, Turn Off Camera the camera.
// Who watches (op 42): the viewer count on the LIVE card on both pages, ben listed on ava's focused
// stream. Stream Quality 480p15 on ava's own stream shrinks what ben decodes; Full Screen enters the
// Fullscreen API. A member without STREAM sees both buttons disabled with the reason as their
// tooltip. Also writes docs/screenshots/video-grid.png and go-live.png.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConcordApi } from '@concord/client';
import { PermissionFlags } from '@concord/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, buildWebClient, launchChromium, openSignedInPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';
import { voiceBrowserArgs } from '@concord/testkit';

const SCREENSHOTS = path.join(REPO_ROOT, 'docs/screenshots');

interface VideoSlot { ssrc: number; packetsReceived: number; framesDecoded: number; frameWidth: number; frameHeight: number }
const videoInbound = (page: Page) => page.evaluate(async () => ((await window.__concordDebug?.voiceStats()) as { videoInbound?: Record<string, VideoSlot> } | null)?.videoInbound ?? {});
const decodedTotal = async (page: Page) => Object.values(await videoInbound(page)).reduce((a, s) => a + s.framesDecoded, 0);


describe('web client: camera and Go Live', () => {
  let server: TestServer;
  let browser: Browser;
  let ava: UserPage;
  let ben: UserPage;
  let cleo: UserPage;
  let avaId = '';
  let benId = '';
  let guildId = '';
  let stage = '';
  const suffix = Date.now().toString(36).slice(-5);
  const memberRow = (page: Page, userId: string) => page.locator(`[data-testid=voice-members][data-channel-id="${stage}"] [data-testid=voice-member][data-user-id="${userId}"]`);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient(), { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
    const certFile = path.join(server.dataDir, 'voice-tls/cert.pem');
    if (!existsSync(certFile)) throw new Error(`the server made no voice certificate at ${certFile}`);
    const a = await registerViaApi(server.url, `ava_${suffix}`);
    const b = await registerViaApi(server.url, `ben_${suffix}`);
    const c = await registerViaApi(server.url, `cleo_${suffix}`);
    avaId = a.id;
    benId = b.id;
    const avaApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: a.token });
    const guild = await avaApi.createGuild({ name: 'Stream Night' });
    guildId = guild.id;
    stage = (await avaApi.createChannel(guild.id, { name: 'Stage', type: 2 })).id;
    const invite = (await avaApi.createInvite(guild.system_channel_id!)).code;
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: b.token }).acceptInvite(invite);
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: c.token }).acceptInvite(invite);
    // cleo may join and talk but not stream here.
    await avaApi.putOverwrite(stage, c.id, { type: 1, allow: '0', deny: String(PermissionFlags.STREAM) });
    browser = await launchChromium({ args: voiceBrowserArgs({ certFile }) });
    ava = await openSignedInPage(browser, server.url, `ava_${suffix}`, a.token);
    ben = await openSignedInPage(browser, server.url, `ben_${suffix}`, b.token);
    cleo = await openSignedInPage(browser, server.url, `cleo_${suffix}`, c.token);
    for (const u of [ava, ben, cleo]) {
      if (process.env['VOICE_E2E_CONSOLE'] === '1') u.page.on('console', (m) => console.log(`[${u.username}] ${m.type()}: ${m.text()}`));
      await u.page.setViewportSize({ width: 1280, height: 800 });
      await u.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
      await u.page.click(`[data-testid=channel-item][data-channel-id="${stage}"]`);
      await u.page.locator('[data-testid=voice-panel][data-status=connected]').waitFor({ timeout: 20_000 });
    }
  }, 180_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('ava turns on her camera and shares her screen; ben sees LIVE, watches, and decodes frames of both', async () => {
    await ava.page.getByRole('button', { name: 'Turn On Camera' }).click();
    await ava.page.getByRole('button', { name: 'Turn Off Camera' }).waitFor();
    await ava.page.getByRole('button', { name: 'Share Your Screen' }).click();
    await ava.page.getByRole('button', { name: 'Stop Streaming' }).waitFor({ timeout: 10_000 });
    // ben: her camera mark and LIVE from VOICE_STATE_UPDATE (self_video, self_stream).
    await memberRow(ben.page, avaId).locator('[data-testid=voice-camera-icon]').waitFor({ timeout: 10_000 });
    await memberRow(ben.page, avaId).locator('[data-testid=voice-live]').waitFor({ timeout: 10_000 });
    // The camera is watched at once (a tile); the stream only after Watch Stream.
    await ben.page.locator('[data-testid=video-tile][data-type=video]').waitFor({ timeout: 10_000 });
    expect(await ben.page.locator('[data-testid=video-tile][data-type=screen]').count()).toBe(0);
    await memberRow(ben.page, avaId).hover();
    await memberRow(ben.page, avaId).getByRole('button', { name: 'Watch Stream' }).click();
    await ben.page.locator(`[data-testid=video-focused][data-tile="${avaId}:screen"]`).waitFor({ timeout: 10_000 });
    const before = await videoInbound(ben.page);
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await videoInbound(ben.page);
    const rising = Object.entries(after).filter(([mid, s]) => s.framesDecoded > (before[mid]?.framesDecoded ?? 0) + 5);
    console.log(`ben's video slots over 3 s: ${Object.entries(after).map(([mid, s]) => `mid ${mid} ${String(s.frameWidth)}x${String(s.frameHeight)} decoded ${String(before[mid]?.framesDecoded ?? 0)} -> ${String(s.framesDecoded)}`).join(' | ')}`);
    expect(rising.length).toBe(2);
    await ben.page.locator('[data-testid=video-focused] video').evaluate((v: HTMLVideoElement) => new Promise<void>((r) => { if (v.videoWidth > 0) r(); else v.addEventListener('loadeddata', () => r(), { once: true }); }));
    await ben.page.screenshot({ path: path.join(SCREENSHOTS, 'go-live.png') });
    await ben.page.getByRole('button', { name: 'Back to Grid' }).click();
    await ben.page.locator('[data-testid=video-tile]').nth(1).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    await ben.page.screenshot({ path: path.join(SCREENSHOTS, 'video-grid.png') });
  }, 60_000);

  it('shows who watches: the count on the LIVE card for both, ben on ava\'s focused stream', async () => {
    const count = (page: Page) => memberRow(page, avaId).locator('[data-testid=stream-viewer-count]');
    await expect.poll(() => count(ava.page).textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => count(ben.page).textContent(), { timeout: 10_000 }).toBe('1');
    expect(await count(ava.page).getAttribute('aria-label')).toBe('1 viewer');
    // cleo is in the room and does not watch: the count is hers to see too, and she is not in it.
    await expect.poll(() => count(cleo.page).textContent(), { timeout: 10_000 }).toBe('1');
    await ava.page.locator(`[data-testid=video-tile][data-tile="${avaId}:screen"]`).click();
    const viewers = ava.page.locator(`[data-testid=video-focused][data-tile="${avaId}:screen"] [data-testid=stream-viewer]`);
    await expect.poll(() => viewers.evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id'))), { timeout: 10_000 }).toEqual([benId]);
    expect(await viewers.first().textContent()).toContain(`ben_${suffix}`);
    // The focused stream's own name line carries the count as well.
    expect(await ava.page.locator('[data-testid=video-focused] .video-tile-name [data-testid=stream-viewer-count]').textContent()).toBe('1');
  }, 30_000);

  it('Stream Quality 480p15 on ava\'s own stream shrinks what ben decodes; Full Screen enters the Fullscreen API', async () => {
    // ava's screen is focused on her page (previous test). ben's screen slot: the receive slot op 40 gave ava's screen
    // (by size it cannot be told: the camera's top simulcast layer is 720 lines too).
    const screenMid = await ben.page.evaluate((id) => Object.values(window.__concordDebug?.stores.video.getState().sinks ?? {}).find((s) => s.userId === id && s.type === 'screen')?.mid ?? '', avaId);
    const screen = (await videoInbound(ben.page))[screenMid];
    if (!screen) throw new Error('ben decodes no screen stream');
    expect(screen.frameHeight).toBeGreaterThan(480);
    await ava.page.locator('[data-testid=stream-quality]').selectOption('480p15');
    await expect.poll(async () => (await videoInbound(ben.page))[screenMid]?.frameHeight ?? 0, { timeout: 15_000 }).toBeLessThanOrEqual(480);
    const after = (await videoInbound(ben.page))[screenMid];
    console.log(`ben's screen slot: ${String(screen.frameWidth)}x${String(screen.frameHeight)} -> ${String(after?.frameWidth)}x${String(after?.frameHeight)} after 480p15`);
    expect(after?.frameWidth ?? Infinity).toBeLessThan(screen.frameWidth);
    // Still decoding at the new size.
    const decoded = after?.framesDecoded ?? 0;
    await expect.poll(async () => (await videoInbound(ben.page))[screenMid]?.framesDecoded ?? 0, { timeout: 5_000 }).toBeGreaterThan(decoded + 3);

    await ben.page.locator(`[data-testid=video-tile][data-tile="${avaId}:screen"]`).click();
    await ben.page.getByRole('button', { name: 'Full Screen' }).click();
    await expect.poll(() => ben.page.evaluate(() => document.fullscreenElement?.getAttribute('data-tile') ?? null), { timeout: 5_000 }).toBe(`${avaId}:screen`);
    await ben.page.getByRole('button', { name: 'Full Screen' }).click();
    await expect.poll(() => ben.page.evaluate(() => document.fullscreenElement === null), { timeout: 5_000 }).toBe(true);
  }, 40_000);

  it('Stop Streaming ends the stream on ben\'s page; Turn Off Camera ends the camera', async () => {
    await ava.page.getByRole('button', { name: 'Stop Streaming' }).click();
    await ava.page.getByRole('button', { name: 'Share Your Screen' }).waitFor();
    await expect.poll(() => memberRow(ben.page, avaId).locator('[data-testid=voice-live]').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => ben.page.locator('[data-testid=video-tile][data-type=screen], [data-testid=video-focused]').count(), { timeout: 10_000 }).toBe(0);
    await ava.page.getByRole('button', { name: 'Turn Off Camera' }).click();
    await ava.page.getByRole('button', { name: 'Turn On Camera' }).waitFor();
    await expect.poll(() => memberRow(ben.page, avaId).locator('[data-testid=voice-camera-icon]').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => ben.page.locator('[data-testid=video-stage]').count(), { timeout: 10_000 }).toBe(0);
    // Nothing decodes any more.
    const a = await decodedTotal(ben.page);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await decodedTotal(ben.page)).toBe(a);
  }, 40_000);

  it('a member without STREAM sees both buttons disabled with the reason as their tooltip', async () => {
    for (const name of ['Turn On Camera', 'Share Your Screen']) {
      const button = cleo.page.getByRole('button', { name });
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toBe('You do not have permission to stream in this channel.');
    }
    // ava (the owner) may.
    expect(await ava.page.getByRole('button', { name: 'Turn On Camera' }).isDisabled()).toBe(false);
  }, 20_000);
});
