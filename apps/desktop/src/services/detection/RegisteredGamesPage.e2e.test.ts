// User Settings > Registered Games in the real renderer build (Chromium), over the desktop bridge
// wired to the real IPC handlers, a real GameDetector scanning /proc and the real SettingsStore:
// a running seeded game shows as the current game, its switch hides it (settings.games.hidden),
// "Add it!" registers a running program under a name and detection then reports it. A page without
// the desktop bridge (the web build) says that the desktop app or `npm run presence` detects games.
// Electron itself cannot run here: the preload is the same createDesktopBridge bundled into the page
// (test/desktop/harness/exposeDesktopBridge.ts).
import { ConcordApi } from '@concord/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppHost, type AppHost } from '../../../test/desktop/harness/AppHost.ts';
import { buildRenderer } from '../../../test/desktop/harness/buildRenderer.ts';
import { exposeDesktopBridge } from '../../../test/desktop/harness/exposeDesktopBridge.ts';
import { launchChromium } from '../../../test/desktop/harness/launchChromium.ts';
import { spawnServer, type SpawnedServer } from '../../../test/desktop/harness/spawnServer.ts';
import { createIpcHandlers } from '../../main/ipc/createIpcHandlers.main.ts';
import { IpcSenderPolicy } from '../../main/ipc/IpcSenderPolicy.main.ts';
import { MessageCache } from '../cache/MessageCache.ts';
import { SettingsStore } from '../settings/SettingsStore.ts';
import { createProcessScanner } from './createProcessScanner.ts';
import { DetectableListCache } from './DetectableListCache.ts';
import { GameDetector } from './GameDetector.ts';

describe.runIf(process.platform === 'linux')('Registered Games settings page', () => {
  let dir: string;
  let server: SpawnedServer;
  let appHost: AppHost;
  let cache: MessageCache;
  let settings: SettingsStore;
  let detector: GameDetector;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let tool: string;
  const children: ChildProcess[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-registered-games-'));
    const webDir = buildRenderer(join(dir, 'web'));
    server = await spawnServer(join(dir, 'server-data'));
    ({ token } = await new ConcordApi({ baseUrl: `${server.url}/api/v9` }).register({ username: `games_page_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' }));

    // A seeded game and an unknown program, both copies of /bin/sleep.
    mkdirSync(join(dir, 'Steam', 'steamapps', 'common', 'Valheim'), { recursive: true });
    const valheim = join(dir, 'Steam', 'steamapps', 'common', 'Valheim', 'valheim.x86_64');
    copyFileSync('/bin/sleep', valheim);
    tool = join(dir, 'MyTool');
    copyFileSync('/bin/sleep', tool);
    for (const program of [valheim, tool]) children.push(spawn(program, ['120'], { stdio: 'ignore' }));

    settings = new SettingsStore({ filePath: join(dir, 'user-data', 'settings.json') });
    const list = new DetectableListCache({ serverUrl: server.url, cacheFile: join(dir, 'user-data', 'detectable.json') });
    detector = new GameDetector({ scanner: await createProcessScanner('linux'), list, games: () => settings.get().games, intervalMs: 500 });
    detector.start();

    appHost = await startAppHost(webDir, server.url);
    cache = new MessageCache({ filePath: join(dir, 'user-data', 'cache', 'messages.sqlite') });
    const policy = new IpcSenderPolicy({ rendererRoot: null, appUrl: appHost.url });
    const handlers = createIpcHandlers({ policy, cache, settings, games: detector, notifications: { show: () => undefined }, window: { isFocused: () => true, setBadgeCount: () => undefined } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await exposeDesktopBridge(context, { handlers, policy, reporter: { refused: () => undefined, failed: () => undefined } });
    await context.addInitScript((t) => localStorage.setItem('concord.token', t), token);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 240_000);

  afterAll(async () => {
    detector.stop();
    for (const child of children) child.kill('SIGKILL');
    await browser.close();
    cache.close();
    await appHost.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const openPage = async (p: Page) => {
    await p.goto(appHost.url);
    await p.getByTestId('user-settings-button').click({ timeout: 60_000 });
    await p.getByTestId('settings-tab-games').click();
  };

  it('shows the running game, hides it with its switch, and registers a running program with Add it!', async () => {
    await openPage(page);
    await expect.poll(() => page.getByTestId('current-game').innerText(), { timeout: 15_000 }).toContain('Valheim');
    const valheim = detector.games.find((g) => g.name === 'Valheim')!;

    await page.getByTestId(`show-game-${valheim.id}`).click();
    await expect.poll(() => settings.get().games.hidden).toEqual([valheim.id]);
    await expect.poll(() => page.getByTestId('current-game').innerText(), { timeout: 10_000 }).toContain('No game detected');

    await page.getByTestId('add-it').click();
    await page.getByTestId('add-it-program').selectOption(tool);
    expect(await page.getByTestId('add-it-name').inputValue()).toBe('MyTool');
    await page.getByTestId('add-it-name').fill('My Tool');
    await page.getByTestId('add-it-confirm').click();
    await expect.poll(() => settings.get().games.registered).toEqual([{ name: 'My Tool', executable: tool }]);
    await expect.poll(() => page.getByTestId('current-game').innerText(), { timeout: 10_000 }).toContain('My Tool');
    await page.getByTestId('registered-game').getByText('My Tool').waitFor();
    // CONCORD_E2E_SCREENSHOT=/tmp/registered-games.png saves the page to look at.
    if (process.env['CONCORD_E2E_SCREENSHOT']) await page.screenshot({ path: process.env['CONCORD_E2E_SCREENSHOT'] });

    await page.getByTestId('share-activity').click();
    await expect.poll(() => settings.get().activityPrivacy.shareActivity).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('explains in the web build (no desktop bridge) that the desktop app or npm run presence detects games', async () => {
    const web = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      await web.addInitScript((t) => localStorage.setItem('concord.token', t), token);
      const webPage = await web.newPage();
      await openPage(webPage);
      const notice = webPage.getByTestId('games-web-notice');
      await notice.waitFor({ timeout: 15_000 });
      expect(await notice.innerText()).toContain('npm run presence');
      expect(await webPage.getByTestId('add-it').count()).toBe(0);
    } finally {
      await web.close();
    }
  }, 60_000);
});
