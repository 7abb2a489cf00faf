// Preloaded with `node -r` before the bundled main process: makes require('electron') return the
// recording fake next to this file. Test-only; the real app never sees it.
const Module = require('node:module');
const fake = require.resolve('./electron.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? fake : resolve.call(this, request, ...rest);
};
