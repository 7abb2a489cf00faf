// Values the main process hands the sandboxed preload through webPreferences.additionalArguments
// (the preload cannot require anything but 'electron', so it cannot ask for them any other way).
export const APP_VERSION_ARGUMENT = '--concord-app-version=';
