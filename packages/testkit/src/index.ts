export { CHROMIUM_ARGS, chromiumExecutable, launchChromium } from './chromium.ts';
