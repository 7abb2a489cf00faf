// Video in a DM call, two Chromium pages against the real server (voice gateway over TLS, WebRTC
// into the SFU; Chromium's fake camera): Ava calls Ben in their DM, Ben accepts, Ava turns on her
// camera from the Voice Connected panel, and Ben's page shows her camera tile and decodes it
// (framesDecoded rising on his video receive slot, read through the debug hook). Turning it off
// removes the tile and decoding stops. Then Ben goes live: Ava gets a preview card with Watch
// Stream (no voice member list in a DM), watches and decodes it, and is listed as its viewer.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, UserPage } from './harness.ts';
import { openDmCallPages } from './dmCallPages.ts';
import { closeOpened } from '../closeOpened.ts';

interface VideoSlot { ssrc: number; packetsReceived: number; framesDecoded: number; frameWidth: number; frameHeight: number }
const videoInbound = (page: Page) => page.evaluate(async () => ((await window.__concordDebug?.voiceStats()) as { videoInbound?: Record<string, VideoSlot> } | null)?.videoInbound ?? {});
const decodedTotal = async (page: Page) => Object.values(await videoInbound(page)).reduce((a, s) => a + s.framesDecoded, 0);
const connectionState = (page: Page) => page.evaluate(async () => ((await window.__concordDebug?.voiceStats()) as { connectionState?: string } | null)?.connectionState ?? null);


describe('web client: video in a DM call', () => {
  let server: TestServer;
  let browser: Browser;
  let ava: UserPage;
  let ben: UserPage;
  let avaId = '';
  let benId = '';

  beforeAll(async () => {
    ({ server, browser, ava, ben, avaId, benId } = await openDmCallPages());
    for (const u of [ava, ben]) await u.page.setViewportSize({ width: 1280, height: 800 });
  }, 180_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('Ava calls, Ben accepts, Ava turns on her camera: Ben sees her tile and decodes it', async () => {
    await ava.page.getByRole('button', { name: 'Start Voice Call' }).click();
    await ben.page.getByRole('alertdialog', { name: `Incoming call from ${ava.username}` }).waitFor({ timeout: 15_000 });
    await ben.page.getByRole('button', { name: 'Accept' }).click();
    for (const u of [ava, ben]) {
      await expect.poll(() => u.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
      await expect.poll(() => connectionState(u.page), { timeout: 15_000 }).toBe('connected');
    }
    const cameraButton = ava.page.getByRole('button', { name: 'Turn On Camera' });
    // A DM has no permission overwrites: the camera may always be turned on there.
    expect(await cameraButton.isDisabled()).toBe(false);
    await cameraButton.click();
    await ava.page.getByRole('button', { name: 'Turn Off Camera' }).waitFor({ timeout: 10_000 });
    await ben.page.locator(`[data-testid=video-tile][data-tile="${avaId}:video"]`).waitFor({ timeout: 15_000 });
    const before = await decodedTotal(ben.page);
    await expect.poll(() => decodedTotal(ben.page), { timeout: 10_000 }).toBeGreaterThan(before + 10);
    const slots = await videoInbound(ben.page);
    console.log(`ben's video slots in the DM call: ${Object.entries(slots).map(([mid, s]) => `mid ${mid} ${String(s.frameWidth)}x${String(s.frameHeight)} decoded ${String(s.framesDecoded)}`).join(' | ')}`);
    expect(Object.values(slots).some((s) => s.frameWidth > 0 && s.framesDecoded > 10)).toBe(true);
    await ben.page.locator(`[data-testid=video-tile][data-tile="${avaId}:video"] video`).evaluate((v: HTMLVideoElement) => new Promise<void>((r) => { if (v.videoWidth > 0) r(); else v.addEventListener('loadeddata', () => r(), { once: true }); }));
  }, 90_000);

  it('Ava turns the camera off: the tile goes and nothing decodes', async () => {
    await ava.page.getByRole('button', { name: 'Turn Off Camera' }).click();
    await expect.poll(() => ben.page.locator('[data-testid=video-tile]').count(), { timeout: 10_000 }).toBe(0);
    const a = await decodedTotal(ben.page);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await decodedTotal(ben.page)).toBe(a);
  }, 30_000);

  it('Ben goes live in the DM; Ava watches and decodes his screen, and sees herself as its viewer', async () => {
    await ben.page.getByRole('button', { name: 'Share Your Screen' }).click();
    await ben.page.getByRole('button', { name: 'Stop Streaming' }).waitFor({ timeout: 10_000 });
    // A DM call has no voice member list: the stream is a preview card on the stage until watched.
    const preview = ava.page.locator(`[data-testid=stream-preview][data-user-id="${benId}"]`);
    await preview.waitFor({ timeout: 10_000 });
    await preview.getByRole('button', { name: 'Watch Stream' }).click();
    await ava.page.locator(`[data-testid=video-focused][data-tile="${benId}:screen"]`).waitFor({ timeout: 10_000 });
    const before = await decodedTotal(ava.page);
    await expect.poll(() => decodedTotal(ava.page), { timeout: 10_000 }).toBeGreaterThan(before + 5);
    await expect.poll(() => ava.page.locator('[data-testid=video-focused] [data-testid=stream-viewer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id'))), { timeout: 10_000 }).toEqual([avaId]);
    expect(ava.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  }, 60_000);
});
