// Renderer asks -> rows painted, for bench/desktop-cache.ts. Starts the real server, fills K
// channels, puts their newest page into a real MessageCache file, loads the real renderer build in
// Debian's Chromium with the desktop bridge (Playwright binding standing in for the Electron
// preload), then stops the server and reloads, so every channel open can only paint from the
// cache. Each sample: performance.mark at the click on a channel not opened since the reload;
// a MutationObserver marks the moment the channel's newest message is in the DOM, and the next
// requestAnimationFrame marks the frame that paints it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConcordApi } from '@concord/client';
import type { APIMessage } from '@concord/protocol';
import type { Page } from 'playwright-core';
import { launchChromium } from '@concord/testkit';
import {
  buildRenderer,
  createIpcHandlers,
  exposeDesktopBridge,
  IpcSenderPolicy,
  MessageCache,
  SettingsStore,
  spawnServer,
  startAppHost,
  type SpawnedServer,
} from '@concord/desktop/testing';

interface Summary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface PaintResult {
  /** Opens with rows through the Playwright binding (SQLite file -> handlers -> CDP -> page). */
  samples: number;
  /** click -> newest cached row in the DOM */
  inDom: Summary;
  /** click -> the animation frame after it (rows painted) */
  painted: Summary;
  /** The same opens with rows from an in-page copy: the renderer's own cost, no transport. */
  rendererOnly: { samples: number; inDom: Summary; painted: Summary };
  /** one bridge call from the page (Playwright binding round trip + handler + SQLite) */
  bridgeFromPage: Summary;
  firstOpenAfterReloadMs: number;
}

export interface PaintOptions {
  channels: number;
  rounds: number;
  pageSize: number;
  summarize(samples: number[]): Summary;
}

const newestContent = (channelIndex: number) => `newest line of channel ${channelIndex}`;

export async function measurePaint(options: PaintOptions): Promise<PaintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-paint-'));
  let server: SpawnedServer | null = null;
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const webDir = buildRenderer(join(dir, 'web'));
    server = await spawnServer(join(dir, 'server'));
    const { token } = await new ConcordApi({ baseUrl: `${server.url}/api/v9` }).register({ username: `bench_paint_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' });
    const api = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const guild = await api.createGuild({ name: 'Bench Guild' });
    const cache = new MessageCache({ filePath: join(dir, 'user-data', 'cache', 'messages.sqlite') });
    cleanups.push(() => cache.close());

    const channelIds: string[] = [];
    for (let c = 0; c < options.channels; c++) {
      const channel = await api.createChannel(guild.id, { name: `bench-${String(c).padStart(2, '0')}`, type: 0 });
      channelIds.push(channel.id);
      const page: APIMessage[] = [];
      for (let m = 0; m < options.pageSize; m++) {
        const content = m === options.pageSize - 1 ? newestContent(c) : `line ${m} of channel ${c}: ${'lorem ipsum dolor sit amet '.repeat(1 + (m % 4))}`;
        page.push(await api.sendMessage(channel.id, { content }));
      }
      cache.putMessages(channel.id, page);
    }

    const appHost = await startAppHost(webDir, server.url);
    cleanups.push(() => appHost.close());
    const policy = new IpcSenderPolicy({ rendererRoot: null, appUrl: appHost.url });
    const handlers = createIpcHandlers({
      policy,
      cache,
      settings: new SettingsStore({ filePath: join(dir, 'user-data', 'settings.json') }),
      notifications: { show: () => {} },
      window: { isFocused: () => true, setBadgeCount: () => {} },
    });
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await exposeDesktopBridge(context, {
      handlers,
      policy,
      reporter: { refused: () => {}, failed: (c, e) => console.error(c, e) },
      initScriptEntry: fileURLToPath(new URL('./desktop-paint-bridge.ts', import.meta.url)),
    });
    await context.addInitScript((t) => {
      if (localStorage.getItem('concord.token') === null) localStorage.setItem('concord.token', t);
    }, token);
    const page = await context.newPage();

    // Online once, so the renderer's snapshot knows the guild and its channels.
    await page.goto(appHost.url);
    await page.locator(`[data-testid="guild-icon"][data-guild-id="${guild.id}"]`).click({ timeout: 30_000 });
    await page.locator(`[data-testid="channel-item"][data-channel-id="${channelIds.at(-1)}"]`).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);

    await server.stop();
    server = null;
    appHost.setBackend(null);

    // Alternate rounds: rows through the Playwright binding (the preload stand-in) and rows from an
    // in-page copy (the renderer's own cost; see desktop-paint-bridge.ts).
    const samples = { binding: { inDom: [] as number[], painted: [] as number[] }, inPage: { inDom: [] as number[], painted: [] as number[] } };
    let firstOpenAfterReloadMs = Number.NaN;
    for (let round = 0; round < options.rounds * 2; round++) {
      const mode = round % 2 === 0 ? 'binding' : 'inPage';
      await page.reload();
      if (mode === 'inPage') {
        const pages = Object.fromEntries(channelIds.map((id) => [id, cache.getMessages(id, options.pageSize)]));
        await page.evaluate(`(() => { const pages = ${JSON.stringify(pages)}; for (const id of Object.keys(pages)) window.__concordBenchPreload(id, pages[id]); })()`);
      }
      await page.locator(`[data-testid="guild-icon"][data-guild-id="${guild.id}"]`).click({ timeout: 30_000 });
      const opened = await currentlyShownChannel(page, channelIds);
      for (let c = 0; c < channelIds.length; c++) {
        const channelId = channelIds[c];
        if (channelId === undefined || channelId === opened) continue;
        const sample = await timeChannelOpen(page, channelId, newestContent(c));
        if (Number.isNaN(firstOpenAfterReloadMs)) firstOpenAfterReloadMs = sample.painted;
        samples[mode].inDom.push(sample.inDom);
        samples[mode].painted.push(sample.painted);
      }
    }

    await page.reload(); // drop the in-page copies: these calls must go through the binding
    await page.locator(`[data-testid="guild-icon"][data-guild-id="${guild.id}"]`).waitFor({ timeout: 30_000 });
    const bridgeFromPage: unknown = await page.evaluate(`(async ({ ids, limit }) => {
      const samples = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await window.concord.cache.getMessages(ids[i % ids.length], limit);
        samples.push(performance.now() - t);
      }
      return samples;
    })(${JSON.stringify({ ids: channelIds, limit: options.pageSize })})`);
    if (!Array.isArray(bridgeFromPage) || !bridgeFromPage.every((v) => typeof v === 'number')) throw new Error('page returned no bridge timings');

    return {
      samples: samples.binding.painted.length,
      inDom: options.summarize(samples.binding.inDom),
      painted: options.summarize(samples.binding.painted),
      rendererOnly: { samples: samples.inPage.painted.length, inDom: options.summarize(samples.inPage.inDom), painted: options.summarize(samples.inPage.painted) },
      bridgeFromPage: options.summarize(bridgeFromPage),
      firstOpenAfterReloadMs: Math.round(firstOpenAfterReloadMs * 1000) / 1000,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function currentlyShownChannel(page: Page, channelIds: string[]): Promise<string | null> {
  await page.waitForTimeout(300);
  const selected = await page.locator('[data-testid="channel-item"].selected').getAttribute('data-channel-id').catch(() => null);
  return selected !== null && channelIds.includes(selected) ? selected : null;
}

/**
 * Runs in the page. Kept as source text: tsx compiles this file with esbuild's keepNames, which
 * would wrap inner functions in a `__name` helper that does not exist in the page.
 */
const TIME_CHANNEL_OPEN = `({ channelId, newest }) => new Promise((resolve, reject) => {
  const target = document.querySelector('[data-testid="channel-item"][data-channel-id="' + channelId + '"]');
  if (!(target instanceof HTMLElement)) { reject(new Error('channel ' + channelId + ' is not in the sidebar')); return; }
  const shown = () => [...document.querySelectorAll('[data-testid="message-content"]')].some((e) => (e.textContent || '').includes(newest));
  const timeout = setTimeout(() => reject(new Error('channel ' + channelId + ' did not paint its cached rows within 10 s')), 10000);
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    performance.mark('open-dom-' + channelId);
    requestAnimationFrame(() => {
      performance.mark('open-paint-' + channelId);
      clearTimeout(timeout);
      resolve({
        inDom: performance.measure('dom-' + channelId, 'open-start-' + channelId, 'open-dom-' + channelId).duration,
        painted: performance.measure('paint-' + channelId, 'open-start-' + channelId, 'open-paint-' + channelId).duration,
      });
    });
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  performance.mark('open-start-' + channelId);
  target.click();
})`;

/** Clicks a channel in the page and times it with performance marks; all timing happens in the page. */
async function timeChannelOpen(page: Page, channelId: string, newest: string): Promise<{ inDom: number; painted: number }> {
  const result: unknown = await page.evaluate(`(${TIME_CHANNEL_OPEN})(${JSON.stringify({ channelId, newest })})`);
  if (typeof result !== 'object' || result === null || !('inDom' in result) || !('painted' in result)) throw new Error('page returned no timing');
  const { inDom, painted } = result;
  if (typeof inDom !== 'number' || typeof painted !== 'number') throw new Error('page returned no timing');
  return { inDom, painted };
}
