// The message list stays windowed: with 100,000 messages in a channel the DOM holds a bounded
// number of rows at every scroll position from the newest message to the oldest, and the
// oldest and newest messages are both reachable.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, openUserPage, registerThroughUi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

const COUNT = 100_000;

describe('web client: virtualized message list', () => {
  let server: TestServer;
  let browser: Browser;
  let user: UserPage;

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    browser = await launchChromium();
    user = await openUserPage(browser, server.url, `vera_${Date.now().toString(36).slice(-5)}`);
    await registerThroughUi(user);
    const p = user.page;
    await p.click('[data-testid=add-server]');
    await p.click('[data-testid=choose-create]');
    await p.click('[data-testid=create-guild-submit]');
    await p.waitForSelector('[data-testid=composer]');
  }, 120_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it(`keeps fewer than 200 rows in the DOM while scrolling ${COUNT.toLocaleString('en')} messages end to end`, async () => {
    const p = user.page;
    const seeded = await p.evaluate((count) => {
      const debug = window.__concordDebug!;
      const channelId = debug.currentChannelId()!;
      const self = debug.stores.session.getState().user!;
      const others = ['1100000000000000001', '1100000000000000002', '1100000000000000003'].map((id, i) => ({ id, username: `user${i}`, discriminator: '0', global_name: `User ${i}`, avatar: null }));
      const authors = [self, ...others];
      const start = Date.UTC(2024, 0, 1);
      const base = 1_200_000_000_000_000_000n;
      const messages = Array.from({ length: count }, (_, i) => ({
        id: String(base + BigInt(i) * 4_194_304n),
        type: 0,
        channel_id: channelId,
        author: authors[Math.floor(i / 3) % authors.length]!,
        content: i % 17 === 0 ? `message ${i} with **bold** and a \`code span\`\nand a second line` : `message ${i}`,
        timestamp: new Date(start + i * 60_000).toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        flags: 0,
        components: [],
      }));
      debug.setMaxMessagesPerChannel(count);
      debug.loadSyntheticMessages(channelId, messages);
      return debug.stores.messages.getState().byChannel[channelId]!.messages.length;
    }, COUNT);
    expect(seeded).toBe(COUNT);

    await p.locator('[data-testid=message-content]', { hasText: `message ${COUNT - 1}` }).waitFor();
    const frames = () => p.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    const rows: number[] = [];
    const steps = 40;
    for (let i = steps; i >= 0; i--) {
      await p.evaluate((fraction) => {
        const el = document.querySelector('[data-testid=message-list]')!;
        el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction;
      }, i / steps);
      await frames();
      rows.push(await p.evaluate(() => window.__concordDebug!.mountedMessageRows()));
    }
    expect(Math.max(...rows)).toBeLessThan(200);
    expect(Math.min(...rows)).toBeGreaterThan(5);
    // The very top shows the oldest message.
    await p.evaluate(() => (document.querySelector('[data-testid=message-list]')!.scrollTop = 0));
    await p.locator('[data-testid=message-content]', { hasText: /^message 0 with/ }).waitFor();
    // Jump to present brings back the newest.
    await p.click('[data-testid=jump-to-present]');
    await p.locator('[data-testid=message-content]', { hasText: `message ${COUNT - 1}` }).waitFor();
    expect(await p.evaluate(() => window.__concordDebug!.mountedMessageRows())).toBeLessThan(200);
    expect(user.errors).toEqual([]);
  }, 120_000);
});
