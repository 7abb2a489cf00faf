// A DM call between two Chromium pages against the real server (voice gateway over TLS, WebRTC
// into the SFU): Ava clicks "Start Voice Call" in their DM, Ben's page (on the Friends page, not
// the DM) shows the incoming-call card with Ava's name and rings; Ben accepts, both pages show both
// participants and "Voice Connected" with the DM, and each hears the other's fake microphone (the
// engine's played energy per user, as voice.e2e measures it). Both hang up and both see "ava
// started a call that lasted a few seconds."; a second call that Ben declines shows him "You missed
// a call from ava ...". Writes docs/screenshots/dm-call.png (the incoming call) and dm-call-panel.png
// (the call in the DM, Ava speaking).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type TestServer, type UserPage } from './harness.ts';
import { openDmCallPages } from './dmCallPages.ts';
import { closeOpened } from '../closeOpened.ts';

const FIXTURE = path.join(REPO_ROOT, 'packages/testkit/fixtures/speech-48k-mono.wav');
const SCREENSHOT = path.join(REPO_ROOT, 'docs/screenshots/dm-call.png');
const PANEL_SCREENSHOT = path.join(REPO_ROOT, 'docs/screenshots/dm-call-panel.png');

interface VoiceStats {
  connectionState: string;
  inboundPackets: number;
  outboundPackets: number;
  receivedEnergyByUser: Record<string, number>;
}

const voiceStats = (page: Page) => page.evaluate(() => window.__concordDebug?.voiceStats() ?? null) as Promise<VoiceStats | null>;
const participant = (page: Page, userId: string) => page.locator(`[data-testid=call-panel] [data-testid=call-participant][data-user-id="${userId}"]`);
const callMessages = (page: Page) => page.locator('[data-testid=message].call-message');


describe('web client: DM calls', () => {
  let server: TestServer;
  let browser: Browser;
  let ava: UserPage;
  let ben: UserPage;
  let avaId = '';
  let benId = '';
  let dmId = '';

  beforeAll(async () => {
    ({ server, browser, ava, ben, avaId, benId, dmId } = await openDmCallPages({ fakeAudioFile: FIXTURE }));
    await ben.page.click('[data-testid=people-nav]');
  }, 180_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('Ava starts a call: Ben, on another page, sees the incoming call with her name and it rings', async () => {
    await ava.page.getByRole('button', { name: 'Start Voice Call' }).click();
    await expect.poll(() => ava.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
    expect(await ava.page.locator('[data-testid=voice-panel-where]').textContent()).toBe(`@${ben.username}`);
    // Ava's call panel: herself in the call, Ben ringing.
    await participant(ava.page, avaId).waitFor();
    await expect.poll(() => participant(ava.page, benId).getAttribute('data-state')).toBe('ringing');

    const card = ben.page.getByRole('alertdialog', { name: `Incoming call from ${ava.username}` });
    await card.waitFor({ timeout: 10_000 });
    expect(await ben.page.locator('[data-testid=incoming-call-name]').textContent()).toBe(ava.username);
    await expect.poll(async () => Number(await card.getAttribute('data-rings-played')), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await ben.page.screenshot({ path: SCREENSHOT });
  }, 60_000);

  it('Ben accepts: both are in the call, connected, and each hears the other', async () => {
    await ben.page.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => ben.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
    await ben.page.locator(`[data-testid=chat-view][data-channel-id="${dmId}"]`).waitFor();
    expect(await ben.page.locator('[data-testid=incoming-call]').count()).toBe(0);
    for (const u of [ava, ben]) {
      await expect.poll(() => participant(u.page, avaId).getAttribute('data-state')).not.toBe('ringing');
      await expect.poll(() => participant(u.page, benId).getAttribute('data-state'), { timeout: 10_000 }).not.toBe('ringing');
      await u.page.getByRole('button', { name: 'Leave Call' }).waitFor();
    }
    await expect.poll(async () => (await voiceStats(ava.page))?.connectionState, { timeout: 15_000 }).toBe('connected');
    await expect.poll(async () => (await voiceStats(ben.page))?.connectionState, { timeout: 15_000 }).toBe('connected');
    const start = { ava: (await voiceStats(ava.page))!, ben: (await voiceStats(ben.page))! };
    await new Promise((r) => setTimeout(r, 4000));
    const end = { ava: (await voiceStats(ava.page))!, ben: (await voiceStats(ben.page))! };
    const heard = {
      ben: (end.ben.receivedEnergyByUser[avaId] ?? 0) - (start.ben.receivedEnergyByUser[avaId] ?? 0),
      ava: (end.ava.receivedEnergyByUser[benId] ?? 0) - (start.ava.receivedEnergyByUser[benId] ?? 0),
    };
    const packets = { ben: end.ben.inboundPackets - start.ben.inboundPackets, ava: end.ava.inboundPackets - start.ava.inboundPackets };
    console.log(`4 s of a DM call: ben heard ${String(packets.ben)} packets (energy ${heard.ben.toExponential(2)}), ava heard ${String(packets.ava)} (energy ${heard.ava.toExponential(2)})`);
    expect(packets.ben).toBeGreaterThan(50);
    expect(packets.ava).toBeGreaterThan(50);
    expect(heard.ben).toBeGreaterThan(1e-3);
    expect(heard.ava).toBeGreaterThan(1e-3);
    // The speaking ring: Ben sees Ava speaking at some point while her microphone plays speech.
    await expect.poll(() => participant(ben.page, avaId).getAttribute('data-state'), { timeout: 10_000 }).toBe('speaking');
    await ben.page.screenshot({ path: PANEL_SCREENSHOT });
  }, 90_000);

  it('both hang up: the call ends and both see who started it and how long it lasted', async () => {
    await ava.page.getByRole('button', { name: 'Leave Call' }).click();
    await expect.poll(() => ava.page.locator('[data-testid=voice-panel]').count()).toBe(0);
    await expect.poll(() => participant(ben.page, avaId).count()).toBe(0);
    await ben.page.getByRole('button', { name: 'Leave Call' }).click();
    await expect.poll(() => ben.page.locator('[data-testid=call-panel]').count(), { timeout: 10_000 }).toBe(0);
    for (const u of [ava, ben]) {
      await expect.poll(() => callMessages(u.page).last().locator('[data-testid=call-message-text]').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^${ava.username} started a call that lasted a few seconds\\.`));
      expect(await callMessages(u.page).last().getAttribute('data-call-kind')).toBe('ended');
    }
  }, 60_000);

  it('Ben declines a second call: it stops ringing for him, and once Ava hangs up he sees a missed call', async () => {
    await ava.page.getByRole('button', { name: 'Start Voice Call' }).click();
    const card = ben.page.getByRole('alertdialog', { name: `Incoming call from ${ava.username}` });
    await card.waitFor({ timeout: 10_000 });
    await ben.page.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => ben.page.locator('[data-testid=incoming-call]').count(), { timeout: 10_000 }).toBe(0);
    // Ava's panel no longer shows Ben ringing.
    await expect.poll(() => participant(ava.page, benId).count(), { timeout: 10_000 }).toBe(0);
    await ava.page.getByRole('button', { name: 'Leave Call' }).click();
    await expect.poll(() => callMessages(ben.page).count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => callMessages(ben.page).last().getAttribute('data-call-kind'), { timeout: 10_000 }).toBe('missed');
    expect(await callMessages(ben.page).last().locator('[data-testid=call-message-text]').textContent()).toMatch(new RegExp(`^You missed a call from ${ava.username} that lasted a few seconds\\.`));
    await expect.poll(() => callMessages(ava.page).last().getAttribute('data-call-kind'), { timeout: 10_000 }).toBe('ended');
    expect(ava.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  }, 60_000);
});
