// Renderer under load: a signed-in web client in Chromium watches a busy channel while another
// member posts at a steady rate through the real server. Reports the renderer's JS heap (after a
// forced GC) over time and its growth after the warm-up, against TARGETS.md's "no growth beyond
// +20% after the first 5 minutes" (here scaled: --minutes of chat, the first --warmup-minutes
// excluded), plus the DOM rows mounted and the messages received.
//
//   node --import tsx bench/desktop-renderer.ts [--minutes 6] [--warmup-minutes 1] [--rate 20]
import type { CDPSession } from 'playwright-core';
import { launchChromium } from '@concord/testkit';
import { buildWebClient, openSignedInPage, registerViaApi, startTestServer } from '@concord/desktop/testing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? NaN);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const minutes = arg('minutes', 6);
const warmupMinutes = arg('warmup-minutes', 1);
const ratePerS = arg('rate', 20);
const sampleEveryMs = 15_000;

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  return usedSize;
}

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`[desktop-renderer ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const server = await startTestServer(await buildWebClient());
  const browser = await launchChromium();
  try {
    const suffix = Date.now().toString(36).slice(-5);
    const talker = await registerViaApi(server.url, `talker_${suffix}`);
    const viewer = await registerViaApi(server.url, `viewer_${suffix}`);
    const api = (token: string) => async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/api/v9${path}`, { method, headers: { authorization: token, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      if (res.status === 204) return null;
      const answer: unknown = await res.json();
      return answer;
    };
    const t = api(talker.token);
    const guild = (await t('POST', '/guilds', { name: 'Busy Server' })) as { id: string; system_channel_id: string };
    const invite = (await t('POST', `/channels/${guild.system_channel_id}/invites`, {})) as { code: string };
    await api(viewer.token)('POST', `/invites/${invite.code}`, {});

    const user = await openSignedInPage(browser, server.url, `viewer_${suffix}`, viewer.token);
    const page = user.page;
    await page.click(`[data-testid=guild-icon][data-guild-id="${guild.id}"]`);
    await page.waitForSelector('[data-testid=composer]');
    const cdp = await page.context().newCDPSession(page);

    const samples: { t_s: number; heap_mb: number; rows: number; messages_sent: number }[] = [];
    const started = Date.now();
    const endAt = started + minutes * 60_000;
    let sent = 0;
    let issued = 0;
    let failed = 0;
    let nextSample = started;
    const words = ['gg', 'nice shot', 'who is up for ranked?', 'lag again', 'brb', 'that clutch was **insane**', '`/queue` is broken', 'lol', 'see you at 9'];
    while (Date.now() < endAt) {
      const tickStart = Date.now();
      const batch = Math.max(1, Math.round(ratePerS / 4));
      await Promise.all(
        Array.from({ length: batch }, () => issued++).map((n) =>
          t('POST', `/channels/${guild.system_channel_id}/messages`, { content: `${words[n % words.length]} #${n}` }).then(
            () => sent++,
            () => failed++,
          ),
        ),
      );
      if (Date.now() >= nextSample) {
        const heap = await heapAfterGc(cdp);
        const rows = await page.evaluate(() => (window as unknown as { __concordDebug?: { mountedMessageRows(): number } }).__concordDebug?.mountedMessageRows() ?? -1);
        samples.push({ t_s: Math.round((Date.now() - started) / 1000), heap_mb: +(heap / 1048576).toFixed(2), rows, messages_sent: sent });
        log(`t=${samples.at(-1)!.t_s}s heap ${samples.at(-1)!.heap_mb} MB, rows ${rows}, sent ${sent}`);
        nextSample += sampleEveryMs;
      }
      const wait = 250 - (Date.now() - tickStart);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const lastText = `${words[(issued - 1) % words.length]} #${issued - 1}`;
    const received = await page
      .locator('[data-testid=message-content]', { hasText: lastText })
      .first()
      .waitFor({ timeout: 10_000 })
      .then(() => true, () => false);
    const afterWarmup = samples.filter((s) => s.t_s >= warmupMinutes * 60);
    const base = afterWarmup[0]?.heap_mb ?? samples[0]!.heap_mb;
    const final = samples.at(-1)!.heap_mb;
    const growthPct = +(((final - base) / base) * 100).toFixed(1);
    const result = {
      bench: 'desktop-renderer',
      config: { minutes, warmup_minutes: warmupMinutes, rate_per_s: ratePerS, sample_every_s: sampleEveryMs / 1000 },
      messages_sent: sent,
      send_failures: failed,
      last_message_rendered: received,
      heap_mb: { after_warmup: base, final, max: Math.max(...samples.map((s) => s.heap_mb)) },
      heap_growth_after_warmup_pct: growthPct,
      max_dom_rows: Math.max(...samples.map((s) => s.rows)),
      samples,
      goals: { heap_growth_le_20pct: growthPct <= 20, dom_rows_lt_200: Math.max(...samples.map((s) => s.rows)) < 200, all_rendered: received },
    };
    process.stdout.write(JSON.stringify(result) + '\n');
    process.stderr.write(
      `desktop-renderer ${minutes} min at ${ratePerS} msg/s (${sent} messages): heap ${base} -> ${final} MB after warm-up (${growthPct >= 0 ? '+' : ''}${growthPct}%, goal <= +20%), max DOM rows ${result.max_dom_rows} (goal < 200), last message rendered: ${received}\n`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`desktop-renderer failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
