// The web client end to end: two people in two browser contexts against the real server serving
// the real build. Sign-up with field errors, a server and an invite, joining, live chat, replies,
// reactions, edits, deletes, an image upload with its progress bar, unread and mention badges,
// and a channel where @everyone may not send messages.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWebClient,
  launchChromium,
  makePng,
  messageWithText,
  openUserPage,
  registerThroughUi,
  send,
  startTestServer,
  type TestServer,
  type UserPage,
} from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

describe('web client: two users chatting', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: UserPage;
  let bob: UserPage;
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    browser = await launchChromium();
    alice = await openUserPage(browser, server.url, `alice_${suffix}`);
    bob = await openUserPage(browser, server.url, `bob_${suffix}`);
  }, 120_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('shows the API field errors on the sign-up and log-in screens', async () => {
    const { page } = alice;
    await page.click('[data-testid=goto-register]');
    await page.fill('[data-testid=register-username]', 'x');
    await page.fill('[data-testid=register-password]', 'short');
    await page.click('[data-testid=register-submit]');
    await expect.poll(() => page.textContent('[data-testid=error-username]')).toContain('Must be 2 or more');
    expect(await page.textContent('[data-testid=error-password]')).toContain('Must be 8 or more');
    await page.click('[data-testid=goto-login]');
    await page.fill('[data-testid=login-username]', 'nobody_here');
    await page.fill('[data-testid=login-password]', 'wrong-password');
    await page.click('[data-testid=login-submit]');
    await expect.poll(() => page.textContent('[data-testid=error-login]')).toContain('Login or password is invalid');
  });

  it('registers both users', async () => {
    await page(alice).reload();
    await registerThroughUi(alice);
    await registerThroughUi(bob);
  });

  let inviteLink = '';
  it('creates a server and an invite link', async () => {
    const p = page(alice);
    await p.click('[data-testid=add-server]');
    await p.click('[data-testid=choose-create]');
    await p.fill('[data-testid=guild-name-input]', 'Squad Goals');
    await p.click('[data-testid=create-guild-submit]');
    await p.waitForSelector('[data-testid=guild-icon][data-guild-name="Squad Goals"]');
    await p.waitForSelector('[data-testid=chat-title]:has-text("general")');
    await p.click('[data-testid=guild-header]');
    await p.click('[data-testid=menu-invite]');
    await expect.poll(() => p.inputValue('[data-testid=invite-link]')).toMatch(/\/invite\/[A-Za-z0-9-]+$/);
    inviteLink = await p.inputValue('[data-testid=invite-link]');
    await p.keyboard.press('Escape');
  });

  it('lets the second user join through the invite link', async () => {
    const p = page(bob);
    await p.click('[data-testid=join-server]');
    await p.fill('[data-testid=invite-code-input]', inviteLink);
    await p.click('[data-testid=join-guild-submit]');
    await p.waitForSelector('[data-testid=guild-icon][data-guild-name="Squad Goals"]');
    await p.waitForSelector('[data-testid=chat-title]:has-text("general")');
    // Alice sees Bob arrive in the member list.
    await page(alice).waitForSelector(`[data-testid=member-list] >> text=${bob.username}`);
  });

  it('delivers messages live to the other user', async () => {
    await send(page(alice), 'hello from **alice**');
    await messageWithText(page(bob), 'hello from alice').waitFor();
    expect(await messageWithText(page(bob), 'hello from alice').locator('strong').textContent()).toBe('alice');
    await send(page(bob), 'hi alice, bob here');
    await messageWithText(page(alice), 'bob here').waitFor();
  });

  it('quotes the original in a reply', async () => {
    const p = page(bob);
    await messageWithText(p, 'hello from alice').click({ button: 'right' });
    await p.click('[data-testid=menu-reply]');
    await p.waitForSelector('[data-testid=reply-bar]');
    await send(p, 'replying to you');
    for (const u of [alice, bob]) {
      const reply = messageWithText(page(u), 'replying to you');
      await reply.waitFor();
      await expect.poll(() => reply.locator('[data-testid=reply-preview-text]').textContent()).toContain('hello from alice');
    }
  });

  it('toggles a reaction with a click', async () => {
    await messageWithText(page(alice), 'bob here').click({ button: 'right' });
    await page(alice).click('[data-testid=quick-reaction] >> nth=0');
    const onBob = messageWithText(page(bob), 'bob here').locator('[data-testid=reaction]');
    await expect.poll(() => onBob.getAttribute('data-me')).toBe('false');
    await expect.poll(() => onBob.locator('[data-testid=reaction-count]').textContent()).toBe('1');
    await onBob.click();
    await expect.poll(() => onBob.getAttribute('data-me')).toBe('true');
    await expect.poll(() => onBob.locator('[data-testid=reaction-count]').textContent()).toBe('2');
    const onAlice = messageWithText(page(alice), 'bob here').locator('[data-testid=reaction]');
    await expect.poll(() => onAlice.locator('[data-testid=reaction-count]').textContent()).toBe('2');
    await onBob.click();
    await expect.poll(() => onBob.getAttribute('data-me')).toBe('false');
    await expect.poll(() => onAlice.locator('[data-testid=reaction-count]').textContent()).toBe('1');
  });

  it('edits the last message with the Up key and marks it (edited)', async () => {
    const p = page(alice);
    await send(p, 'typo mesage');
    await messageWithText(page(bob), 'typo mesage').waitFor();
    await p.locator('[data-testid=composer]').press('ArrowUp');
    const editor = p.locator('[data-testid=edit-input]');
    await editor.fill('fixed message');
    await editor.press('Enter');
    const onBob = messageWithText(page(bob), 'fixed message');
    await onBob.waitFor();
    await onBob.locator('[data-testid=edited-marker]').waitFor();
  });

  it('deletes a message for everyone', async () => {
    const p = page(alice);
    await send(p, 'this will vanish');
    await messageWithText(page(bob), 'this will vanish').waitFor();
    await messageWithText(p, 'this will vanish').click({ button: 'right' });
    await p.click('[data-testid=menu-delete]');
    await p.click('[data-testid=confirm-button]');
    await messageWithText(page(bob), 'this will vanish').waitFor({ state: 'detached' });
    await messageWithText(p, 'this will vanish').waitFor({ state: 'detached' });
  });

  it('uploads an image with a visible progress bar and shows it inline', async () => {
    const p = page(alice);
    // Hold the upload at the network layer until the bar has been seen, so that a fast local
    // upload cannot finish before the assertion looks.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await p.route('**/api/v9/channels/*/messages', async (route) => {
      if (route.request().method() === 'POST' && (route.request().headers()['content-type'] ?? '').startsWith('multipart/form-data')) await gate;
      await route.continue();
    });
    await p.setInputFiles('[data-testid=file-input]', { name: 'gradient.png', mimeType: 'image/png', buffer: makePng(320, 180) });
    await p.waitForSelector('[data-testid=staged-file]');
    await send(p, 'look at this');
    const bar = p.locator('[data-testid=upload-progress]');
    await bar.waitFor();
    expect(await bar.locator('[role=progressbar]').count()).toBe(1);
    release();
    await bar.waitFor({ state: 'detached' });
    await p.unroute('**/api/v9/channels/*/messages');
    for (const u of [alice, bob]) {
      const img = messageWithText(page(u), 'look at this').locator('[data-testid=attachment-image]');
      await img.waitFor();
      // The image is fetched after the message renders; on a busy machine that takes longer than poll's 1 s default.
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(320);
    }
    await messageWithText(page(bob), 'look at this').locator('[data-testid=attachment-image]').click();
    await page(bob).waitForSelector('[data-testid=lightbox]');
    await page(bob).keyboard.press('Escape');
    await page(bob).waitForSelector('[data-testid=lightbox]', { state: 'detached' });
  });

  it('shows unread and mention badges for another channel and clears them when opened', async () => {
    const a = page(alice);
    const b = page(bob);
    await a.click('[data-testid=guild-header]');
    await a.click('[data-testid=menu-create-channel]');
    await a.fill('[data-testid=channel-name-input]', 'strategy');
    await a.click('[data-testid=create-channel-submit]');
    await a.waitForSelector('[data-testid=chat-title]:has-text("strategy")');
    const channelOnBob = b.locator('[data-testid=channel-item][data-channel-name=strategy]');
    await channelOnBob.waitFor();
    expect(await channelOnBob.getAttribute('data-unread')).toBe('false');
    await send(a, `@${bob.username} check the plan`);
    await expect.poll(() => channelOnBob.getAttribute('data-unread')).toBe('true');
    await expect.poll(() => channelOnBob.locator('[data-testid=channel-mention-badge]').textContent()).toBe('1');
    await expect.poll(() => b.locator('[data-testid=guild-mention-badge]').textContent()).toBe('1');
    await channelOnBob.click();
    const mention = messageWithText(b, 'check the plan');
    await mention.waitFor();
    expect(await mention.getAttribute('data-mentioned')).toBe('true');
    await expect.poll(() => channelOnBob.getAttribute('data-unread')).toBe('false');
    await b.locator('[data-testid=guild-mention-badge]').waitFor({ state: 'detached' });
    await channelOnBob.locator('[data-testid=channel-mention-badge]').waitFor({ state: 'detached' });
  });

  it('disables the composer for a member without SEND_MESSAGES', async () => {
    const a = page(alice);
    const b = page(bob);
    await a.hover('[data-testid=channel-item][data-channel-name=strategy]');
    await a.click('[data-testid=channel-item][data-channel-name=strategy] [data-testid=channel-settings-button]');
    await a.click('[data-testid=settings-tab-permissions]');
    await a.click('[data-testid=overwrite-target][data-target-name="@everyone"]');
    await a.click('[data-testid=deny-SEND_MESSAGES]');
    await a.click('[data-testid=save-changes]');
    await a.locator('[data-testid=save-bar]').waitFor({ state: 'detached' });
    await a.click('[data-testid=settings-close]');
    const composer = b.locator('[data-testid=composer]');
    await expect.poll(() => composer.isDisabled()).toBe(true);
    expect(await composer.getAttribute('placeholder')).toContain('do not have permission');
    // The owner is not affected by the overwrite.
    expect(await a.locator('[data-testid=composer]').isDisabled()).toBe(false);
  });

  it('raised no uncaught errors in either page', () => {
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  function page(u: UserPage) {
    return u.page;
  }
});
