export { CHROMIUM_ARGS, chromiumExecutable, launchChromium } from './chromium.ts';
export { spkiHash, voiceBrowserArgs, type VoiceBrowserOptions } from './certificatePin.ts';
export { arrivalTimeline } from './arrivalTimeline.ts';
