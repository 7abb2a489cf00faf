// Bundled exactly as main.main.ts is (packDesktop's mainBuildOptions) by packaging.test.ts, and run
// with plain Node from the staged app's dist/main: @concord/media's Opus loader resolves
// @discordjs/opus and opusscript from beside the bundle, as in the packaged app. Encodes and decodes
// a 440 Hz tone with the backend named by argv[2] and prints {backend, rms}. Test-only.
import { createOpusDecoder, createOpusEncoder } from '@concord/media';

const requested = process.argv[2] === 'native' ? 'native' : 'wasm';
const encoder = createOpusEncoder({ channels: 1, backend: requested });
const decoder = createOpusDecoder({ channels: 1, backend: requested });
const tone = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48_000)));
let decoded: Int16Array = new Int16Array(960);
for (let frame = 0; frame < 10; frame++) decoded = decoder.decode(encoder.encode(tone));
const rms = Math.sqrt(decoded.reduce((sum, x) => sum + x * x, 0) / decoded.length);
process.stdout.write(JSON.stringify({ backend: encoder.backend, rms }));
