// Builds an IPC handler as a plain function `(event, rawArgs) => result`: check the sender, parse
// the argument list with the channel's tuple schema, then call the service. Kept free of Electron
// imports so tests call handlers directly with event-like objects.
import { ZodEffects, ZodTuple, ZodType, type z } from 'zod';
import type { IpcChannelName } from '../../shared/ipcChannels.ts';
import { IpcError } from './IpcError.main.ts';
import type { IpcSenderEvent, IpcSenderPolicy } from './IpcSenderPolicy.main.ts';

export type IpcHandler<Result = unknown> = (event: IpcSenderEvent, rawArgs: unknown) => Promise<Result>;

export interface IpcHandlerSpec<Args extends z.ZodTypeAny, Result> {
  channel: IpcChannelName;
  args: Args;
  handle(args: z.output<Args>): Result | Promise<Result>;
}

export function defineIpcHandler<Args extends z.ZodTypeAny, Result>(
  policy: IpcSenderPolicy,
  spec: IpcHandlerSpec<Args, Result>,
): IpcHandler<Result> {
  const arity = tupleArity(spec.args);
  return async (event, rawArgs) => {
    const verdict = policy.check(event);
    if (!verdict.trusted) throw IpcError.forbiddenSender(spec.channel, verdict.reason);
    // Trailing optional arguments may be left out; zod tuples want every position present.
    const args = arity !== null && isList(rawArgs) && rawArgs.length < arity ? [...rawArgs, ...new Array<undefined>(arity - rawArgs.length)] : rawArgs;
    const parsed: z.SafeParseReturnType<unknown, z.output<Args>> = spec.args.safeParse(args);
    if (!parsed.success) throw IpcError.invalidArguments(spec.channel, parsed.error);
    return spec.handle(parsed.data);
  };
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/** The number of positions of a tuple schema (also under .superRefine), or null for other schemas. */
function tupleArity(schema: z.ZodTypeAny): number | null {
  // instanceof narrows to ZodTuple<any> / ZodEffects<any>: go through unknown to keep `any` out.
  if (schema instanceof ZodTuple) {
    const items: unknown = schema.items;
    return Array.isArray(items) ? items.length : null;
  }
  if (schema instanceof ZodEffects) {
    const inner: unknown = schema.innerType();
    return inner instanceof ZodType ? tupleArity(inner) : null;
  }
  return null;
}
