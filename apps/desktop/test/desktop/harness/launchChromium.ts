// The browser the renderer is tested in (the Electron binary is not available on these machines):
// the system Chromium when present, else the one bundled in @sparticuz/chromium. Test-only.
export { launchChromium } from '@concord/testkit';
