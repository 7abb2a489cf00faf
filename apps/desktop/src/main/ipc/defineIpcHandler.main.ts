// Builds an IPC handler as a plain function `(event, rawArgs) => result`: check the sender, parse
// the argument list with the channel's tuple schema, then call the service. Kept free of Electron
// imports so tests call handlers directly with event-like objects.
import { ZodEffects, ZodTuple, type z } from 'zod';
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
    const args = arity !== null && Array.isArray(rawArgs) && rawArgs.length < arity ? [...rawArgs, ...new Array<undefined>(arity - rawArgs.length)] : rawArgs;
    const parsed = spec.args.safeParse(args);
    if (!parsed.success) throw IpcError.invalidArguments(spec.channel, parsed.error);
    return spec.handle(parsed.data);
  };
}

/** The number of positions of a tuple schema (also under .superRefine), or null for other schemas. */
function tupleArity(schema: z.ZodTypeAny): number | null {
  if (schema instanceof ZodTuple) return schema.items.length;
  if (schema instanceof ZodEffects) return tupleArity(schema.innerType());
  return null;
}
