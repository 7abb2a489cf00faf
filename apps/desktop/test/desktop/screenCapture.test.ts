// The desktop Go Live picker's path, main to renderer, with the recording fake Electron's
// desktopCapturer (fake-electron/electron.cjs): the Electron binary cannot be downloaded or run here,
// so what the real desktopCapturer lists on a real desktop is not observed. Observed: the real IPC
// handler (sender policy, argument schema), the real preload bridge and its parser, and the
// constraints the renderer hands getUserMedia for the source the user picked.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { IpcError } from '../../src/main/ipc/IpcError.main.ts';
import { appFileEvent, createTestPolicy, eventFrom, foreignOriginEvent } from '../../src/main/ipc/ipcTestEvents.ts';
import { createScreenCaptureIpcHandlers, desktopCapturerPort, THUMBNAIL_SIZE, type DesktopCapturerLike } from '../../src/main/ipc/screenCapture.main.ts';
import { desktopCaptureConstraints } from '../../src/renderer/video/desktopCaptureConstraints.ts';
import { IpcChannel, type IpcChannelName } from '../../src/shared/ipcChannels.ts';
import { IpcErrorCode } from '../../src/shared/ipcResult.ts';
import { createScreenCaptureBridge, parseScreenCaptureSources } from '../../src/shared/screenCaptureBridge.ts';

const require = createRequire(import.meta.url);
const fake = require('./fake-electron/electron.cjs') as { desktopCapturer: DesktopCapturerLike };

function setUp() {
  const calls: unknown[] = [];
  const capturer: DesktopCapturerLike = { getSources: (options) => { calls.push(options); return fake.desktopCapturer.getSources(options); } };
  const handlers = createScreenCaptureIpcHandlers({ policy: createTestPolicy(), screenCapture: desktopCapturerPort(capturer) });
  const list = handlers[IpcChannel.screenCaptureListSources];
  // The preload's `call`, carried straight to the handler as the app window (what ipcRenderer.invoke does).
  const bridge = createScreenCaptureBridge(<T,>(channel: IpcChannelName, args: readonly unknown[]) => {
    expect(channel).toBe(IpcChannel.screenCaptureListSources);
    return list(appFileEvent(), args) as Promise<T>;
  });
  return { calls, list, bridge };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error instanceof IpcError ? error.code : `not an IpcError: ${String(error)}`));

describe('Go Live screen picker through desktopCapturer (fake Electron: no Electron binary here)', () => {
  it('lists screens and windows with PNG data URL thumbnails, asking for both kinds at thumbnail size', async () => {
    const { calls, bridge } = setUp();
    const sources = await bridge.listSources();
    expect(calls).toEqual([{ types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE }]);
    expect(sources.map((s) => [s.id, s.kind, s.name])).toEqual([
      ['screen:0:0', 'screen', 'Entire Screen'],
      ['screen:1:0', 'screen', 'Screen 2'],
      ['window:4242:0', 'window', 'Fake Game — Level 1'],
      ['window:7:0', 'window', 'SVG thumbnail'],
    ]);
    expect(sources[0]?.thumbnailDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    // An empty NativeImage, and a thumbnail that is not a PNG (an SVG could carry script), arrive as ''.
    expect(sources[1]?.thumbnailDataUrl).toBe('');
    expect(sources[3]?.thumbnailDataUrl).toBe('');
  });

  it('main drops what is not a source id before it crosses IPC', async () => {
    const { list } = setUp();
    const answered = await list(appFileEvent(), []);
    expect(JSON.stringify(answered)).not.toContain('javascript:');
    expect(JSON.stringify(answered)).not.toContain('image/svg');
  });

  it('refuses foreign pages and subframes without touching desktopCapturer, and any argument', async () => {
    const { calls, list } = setUp();
    await expect(codeOf(list(foreignOriginEvent(), []))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    await expect(codeOf(list(eventFrom('http://127.0.0.1:3000/', { subframe: true }), []))).resolves.toBe(IpcErrorCode.ForbiddenSender);
    await expect(codeOf(list(appFileEvent(), ['screen:0:0']))).resolves.toBe(IpcErrorCode.InvalidArguments);
    expect(calls).toEqual([]);
  });

  it('hands getUserMedia the source the user picked, within the stream quality', async () => {
    const { bridge } = setUp();
    const chosen = (await bridge.listSources()).find((s) => s.kind === 'window');
    if (!chosen) throw new Error('no window listed');
    expect(desktopCaptureConstraints(chosen.id, { height: 720, frameRate: 30 })).toEqual({
      audio: false,
      video: { mandatory: { chromeMediaSource: 'desktop', chromeMediaSourceId: 'window:4242:0', maxHeight: 720, maxFrameRate: 30 } },
    });
    // Nothing but a desktopCapturer id reaches chromeMediaSourceId.
    for (const bad of ['', 'javascript:alert(1)', 'screen:0', 'screen:0:0 ', 'tab:1:0', `window:${'9'.repeat(21)}:0`]) expect(desktopCaptureConstraints(bad, { height: 720, frameRate: 30 })).toBeNull();
  });
});

describe('parseScreenCaptureSources (the IPC boundary)', () => {
  const png = 'data:image/png;base64,AAAA';
  it('keeps well-formed sources and derives the kind from the id', () => {
    expect(parseScreenCaptureSources([{ id: 'screen:2:0', name: 'Display', thumbnailDataUrl: png }, { id: 'window:99:1', name: 'Editor', thumbnailDataUrl: '' }])).toEqual([
      { id: 'screen:2:0', name: 'Display', kind: 'screen', thumbnailDataUrl: png },
      { id: 'window:99:1', name: 'Editor', kind: 'window', thumbnailDataUrl: '' },
    ]);
  });

  it.each([
    ['not a list', { 0: { id: 'screen:0:0', name: 'x' } }],
    ['null', null],
    ['a string', 'screen:0:0'],
  ])('answers [] for %s', (_what, input) => {
    expect(parseScreenCaptureSources(input)).toEqual([]);
  });

  it('drops malformed entries one by one and keeps the rest', () => {
    const out = parseScreenCaptureSources([null, 7, { id: 'screen:0:0' }, { id: 5, name: 'n' }, { id: 'file:///etc/passwd', name: 'n' }, { id: 'window:1:0', name: 'kept' }]);
    expect(out.map((s) => s.id)).toEqual(['window:1:0']);
  });

  it('bounds names, thumbnails and the list', () => {
    const [long] = parseScreenCaptureSources([{ id: 'screen:0:0', name: 'n'.repeat(10_000), thumbnailDataUrl: `data:image/png;base64,${'A'.repeat(600 * 1024)}` }]);
    expect(long?.name.length).toBe(200);
    expect(long?.thumbnailDataUrl).toBe('');
    const many = Array.from({ length: 500 }, (_, i) => ({ id: `window:${String(i)}:0`, name: String(i) }));
    expect(parseScreenCaptureSources(many)).toHaveLength(64);
  });

  it('ignores prototype tricks and extra fields', () => {
    const hostile: unknown = JSON.parse('[{"id":"screen:0:0","name":"x","__proto__":{"kind":"window"},"kind":"window","extra":1}]');
    const out = parseScreenCaptureSources(hostile);
    expect(out).toEqual([{ id: 'screen:0:0', name: 'x', kind: 'screen', thumbnailDataUrl: '' }]);
    expect(Object.keys(out[0] ?? {})).toEqual(['id', 'name', 'kind', 'thumbnailDataUrl']);
  });
});
