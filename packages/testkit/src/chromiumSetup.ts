// Vitest global setup: resolve (and if needed unpack) Chromium once, before the test workers start,
// so parallel workers never race to unpack the bundled binary; they inherit CHROMIUM_PATH.
import { chromiumExecutable } from './chromium.ts';

export default async function setup(): Promise<void> {
  process.env['CHROMIUM_PATH'] = await chromiumExecutable();
}
