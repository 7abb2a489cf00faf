// concord.activity.setSession end to end inside main: the preload bridge's call goes through the
// real IPC handler (sender checks, zod) into the real presence services (startDesktopPresence: RPC
// server on a real discord-ipc-0 socket in a temp XDG_RUNTIME_DIR), and a game's raw socket sees
// READY wait for the sign-in, name the user the renderer reported, and end when the account changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopBridge } from '../../preload/createDesktopBridge.ts';
import { encodeIpcFrame, IpcFrameDecoder, IpcOpcode } from '../../services/rpc/ipcFrames.ts';
import type { ActivitySession, ActivitySessionUser } from '../../shared/activityBridge.ts';
import { DEFAULT_SETTINGS, type DesktopBridge } from '../../shared/bridge.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { createActivityIpcHandlers, type SignedInSession } from './activitySession.main.ts';
import type { IpcSenderEvent } from './IpcSenderPolicy.main.ts';
import { APP_WEB_CONTENTS_ID, appFileEvent, createTestPolicy, eventFrom, foreignOriginEvent } from './ipcTestEvents.ts';
import { startDesktopPresence, type DesktopPresence } from './localActivities.main.ts';
import { runIpcHandler } from './runIpcHandler.main.ts';

const OVERLAY_WEB_CONTENTS_ID = 2;
const ada: ActivitySessionUser = { id: '1100000000000000001', username: 'ada', discriminator: '0', global_name: 'Ada', avatar: null, bot: false, flags: 0, premium_type: 2 };
const bob: ActivitySessionUser = { ...ada, id: '1100000000000000002', username: 'bob', global_name: null };

interface GameLink {
  frames: { op: number; data: unknown }[];
  /** Resolves with frame number `index` (0-based) once it arrived. */
  frame(index: number, timeoutMs?: number): Promise<{ op: number; data: unknown }>;
  closed: Promise<void>;
  socket: Socket;
}

/** A game's side of discord-ipc-0: handshake at once, every frame back recorded. */
function connectGame(path: string): GameLink {
  const socket = createConnection(path);
  const decoder = new IpcFrameDecoder();
  const frames: GameLink['frames'] = [];
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    const result = decoder.push(chunk);
    if (result.ok) for (const f of result.frames) frames.push({ op: f.op, data: JSON.parse(f.raw.toString()) });
  });
  socket.write(encodeIpcFrame(IpcOpcode.HANDSHAKE, { v: 1, client_id: '1200000000000000001' }));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const frame = async (index: number, timeoutMs = 3000) => {
    const start = Date.now();
    while (frames[index] === undefined) {
      if (Date.now() - start > timeoutMs) throw new Error(`no frame #${index} within ${timeoutMs} ms (got ${JSON.stringify(frames)})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return frames[index];
  };
  return { frames, frame, closed, socket };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('concord.activity.setSession', () => {
  let dir: string;
  let presence: DesktopPresence;
  let bridge: DesktopBridge;
  let sessions: (SignedInSession | null)[];
  let handler: ReturnType<typeof createActivityIpcHandlers>[typeof IpcChannel.activitySetSession];
  const links: GameLink[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-activity-session-'));
    sessions = [];
    const started = await startDesktopPresence({
      settings: DEFAULT_SETTINGS,
      serverUrl: null,
      window: { send: () => true, on: () => undefined } as never,
      log: { info: () => undefined, warn: () => undefined },
      rpc: { env: { XDG_RUNTIME_DIR: dir }, platform: 'linux', wsPorts: false, readyTimeoutMs: 400 },
    });
    if (started === null) throw new Error('the RPC server did not start');
    presence = started;
    const policy = createTestPolicy();
    policy.trustWebContents(OVERLAY_WEB_CONTENTS_ID);
    handler = createActivityIpcHandlers({
      policy,
      activity: {
        isAppWindow: (id) => id === APP_WEB_CONTENTS_ID,
        setSession: (session) => {
          sessions.push(session);
          presence.setSession(session);
        },
      },
    })[IpcChannel.activitySetSession];
    bridge = createDesktopBridge((channel, args) => runIpcHandler(channel, handler, appFileEvent(), args, { refused: () => undefined, failed: () => undefined }), {
      platform: 'linux',
      version: '0.0.0',
      subscribe: () => () => undefined,
    });
  });

  afterEach(async () => {
    for (const link of links.splice(0)) link.socket.destroy();
    await presence.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const game = () => {
    const link = connectGame(presence.ipcPath);
    links.push(link);
    return link;
  };
  const signIn = (user: ActivitySessionUser, apiBaseUrl = 'https://chat.example.com/api/v9') => bridge.activity!.setSession({ user, apiBaseUrl } satisfies ActivitySession);

  it('answers a game that connected before sign-in once the app window reports the user, with its server in config', async () => {
    const early = game();
    await sleep(150);
    expect(early.frames).toEqual([]);
    await signIn(ada);
    expect(sessions).toEqual([{ user: ada, serverUrl: 'https://chat.example.com' }]);
    expect(await early.frame(0)).toEqual({
      op: IpcOpcode.FRAME,
      data: { cmd: 'DISPATCH', evt: 'READY', nonce: null, data: { v: 1, config: { cdn_host: 'chat.example.com', api_endpoint: '//chat.example.com/api', environment: 'production' }, user: ada } },
    });
    // A game connecting now is answered at once.
    expect((await game().frame(0)).data).toMatchObject({ evt: 'READY', data: { user: { id: ada.id } } });
  });

  it('keeps a game across sign-out and the same user again, and closes it with 4003 when another user signs in', async () => {
    await signIn(ada);
    const link = game();
    await link.frame(0);
    await bridge.activity!.setSession(null);
    await signIn(ada);
    await sleep(100);
    expect(link.socket.destroyed).toBe(false);
    await signIn(bob);
    expect(await link.frame(1)).toEqual({ op: IpcOpcode.CLOSE, data: { code: 4003, message: 'The signed-in user changed' } });
    await link.closed;
    expect((await game().frame(0)).data).toMatchObject({ evt: 'READY', data: { user: { id: bob.id, global_name: null } } });
  });

  it('closes a game still waiting for READY when nobody signs in within the timeout', async () => {
    const link = game();
    expect(await link.frame(0, 2000)).toEqual({ op: IpcOpcode.CLOSE, data: { code: 4000, message: 'Handshake timed out: nobody is signed in' } });
    await link.closed;
  });

  it('refuses the overlay window, foreign pages and malformed sessions, and tells main nothing', async () => {
    const call = (event: IpcSenderEvent, args: unknown[]) => runIpcHandler(IpcChannel.activitySetSession, handler, event, args, { refused: () => undefined, failed: () => undefined });
    const valid = { user: ada, apiBaseUrl: 'http://127.0.0.1:8080/api/v9' };
    const overlay = eventFrom(appFileEvent().senderFrame!.url, { webContentsId: OVERLAY_WEB_CONTENTS_ID });
    expect(await call(overlay, [valid])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await call(foreignOriginEvent(), [valid])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    const malformed: unknown[][] = [
      [],
      [valid, 'extra'],
      [{ ...valid, apiBaseUrl: 'file:///etc/passwd' }],
      [{ ...valid, apiBaseUrl: 'http://user:secret@127.0.0.1/api/v9' }],
      [{ ...valid, apiBaseUrl: 'http://127.0.0.1:8080/elsewhere' }],
      [{ ...valid, apiBaseUrl: 'http://127.0.0.1:8080/api/v9?x=1' }],
      [{ ...valid, user: { ...ada, id: '0' } }],
      [{ ...valid, user: { ...ada, username: 'x'.repeat(65) } }],
      [{ ...valid, user: { ...ada, admin: true } }],
      [{ ...valid, token: 'secret' }],
      ['ada'],
    ];
    for (const args of malformed) expect(await call(appFileEvent(), args), JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect(sessions).toEqual([]);
    expect(await call(appFileEvent(), [{ ...valid, apiBaseUrl: 'http://127.0.0.1:8080/prefix/api/v9/' }])).toEqual({ ok: true, value: undefined });
    expect(sessions).toEqual([{ user: ada, serverUrl: 'http://127.0.0.1:8080/prefix' }]);
  });
});
