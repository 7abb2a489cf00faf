// One live interaction as the server keeps it in memory for its 15 minutes: who invoked what where,
// its token, and where its answer stands. Owned by the InteractionRegistry.
import type { ApplicationRecord } from '../../store/botRecords.ts';

/** Where the first answer stands: nothing yet, or acknowledged with a callback type. */
export type InteractionState =
  | { status: 'pending' }
  | { status: 'acknowledged'; responseType: number };

export interface Interaction {
  id: string;
  token: string;
  type: number;
  app: ApplicationRecord;
  botUserId: string;
  userId: string;
  channelId: string;
  guildId: string | null;
  createdAtMs: number;
  /** For interaction_metadata: the command's name and type (commands only). */
  command: { name: string; type: number } | null;
  /** The message a component (or a modal opened from one) is attached to. */
  sourceMessageId: string | null;
  state: InteractionState;
  /** What @original refers to: the response message, or the source message after types 6/7. */
  originalMessageId: string | null;
  /** Messages created through this interaction's token (original and follow-ups). */
  messageIds: Set<string>;
  /** The invoker's POST /interactions waiting for the first answer (to show choices or a modal). */
  waiter: ((outcome: InitialResponse) => void) | null;
}

/** What the invoker learns about the bot's first answer. */
export interface InitialResponse {
  type: number;
  data?: unknown;
}
