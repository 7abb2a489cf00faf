// IPC handler for `concord.activity.setSession`: the app window's session tells main who is signed
// in and which server it uses (or that nobody is). Main answers games' RPC READY with that user,
// names games after that server's applications and refreshes the detectable list from it. Only
// the app window may call it (the overlay window is trusted for other channels, not this one).
import { z } from 'zod';
import type { ActivitySessionUser } from '../../shared/activityBridge.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import { IpcError } from './IpcError.main.ts';
import { snowflakeArgSchema } from './ipcArgumentSchemas.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';

/** The session as main uses it: the user, and the server's base URL (the API base without `/api/v9`). */
export interface SignedInSession {
  user: ActivitySessionUser;
  serverUrl: string;
}

export interface ActivitySessionPort {
  /** Whether this webContents is the app's main window (not the overlay, not another window). */
  isAppWindow(webContentsId: number): boolean;
  setSession(session: SignedInSession | null): void;
}

/** Without presence services (tests of other channels): accepted from any trusted window and dropped. */
export const NO_ACTIVITY_SESSION: ActivitySessionPort = { isAppWindow: () => true, setSession: () => undefined };

const API_PATH = '/api/v9';

const UserSchema = z
  .object({
    id: snowflakeArgSchema,
    username: z.string().min(1).max(64),
    discriminator: z.string().regex(/^\d{1,4}$/),
    global_name: z.string().min(1).max(64).nullable(),
    avatar: z.string().max(64).regex(/^[\w-]+$/).nullable(),
    bot: z.boolean(),
    flags: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    premium_type: z.number().int().min(0).max(4),
  })
  .strict() satisfies z.ZodType<ActivitySessionUser>;

/** `http(s)://host[:port][/prefix]/api/v9`, no credentials, query or fragment -> the server's base URL. */
const ApiBaseUrlSchema = z
  .string()
  .max(2048)
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a URL' });
      return z.NEVER;
    }
    const path = url.pathname.replace(/\/+$/, '');
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || !path.endsWith(API_PATH)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be an http(s) URL ending in ${API_PATH}, without credentials` });
      return z.NEVER;
    }
    return `${url.origin}${path.slice(0, -API_PATH.length)}`;
  });

export const ActivitySessionSchema = z
  .object({ user: UserSchema, apiBaseUrl: ApiBaseUrlSchema })
  .strict()
  .transform(({ user, apiBaseUrl }): SignedInSession => ({ user, serverUrl: apiBaseUrl }));

export function createActivityIpcHandlers({ policy, activity }: { policy: IpcSenderPolicy; activity: ActivitySessionPort }) {
  const setSession = defineIpcHandler(policy, {
    channel: IpcChannel.activitySetSession,
    args: z.tuple([ActivitySessionSchema.nullable()]),
    handle: ([session]): void => activity.setSession(session),
  });
  return {
    [IpcChannel.activitySetSession]: async (event, rawArgs) => {
      if (!activity.isAppWindow(event.sender.id)) throw IpcError.forbiddenSender(IpcChannel.activitySetSession, `webContents ${event.sender.id} is not the app window`);
      return setSession(event, rawArgs);
    },
  } satisfies Record<string, IpcHandler>;
}
