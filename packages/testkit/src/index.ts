export { CHROMIUM_ARGS, chromiumExecutable, launchChromium } from './chromium.ts';
export { spkiHash } from './certificatePin.ts';
