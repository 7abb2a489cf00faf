// A user's component click or modal submit can refer to what one node alone holds in memory: an
// ephemeral message (kept by the node that ran the bot's callback) or an open modal (opened there
// by a bot's type 9 callback). Behind a load balancer the user's request lands on any node; one
// that holds nothing asks every other live node at once (InteractionForwarder.ask) and forwards the
// request to the one that says it does. The answers come off the bus: checked here, and an answer
// that fails its schema, an error or a silent node all count as "not held".
import { z } from 'zod';

/** A node's answer to `holdsMessage` / `holdsModal`. */
export const HeldAnswerSchema = z.discriminatedUnion('held', [
  z.object({ held: z.literal(false) }),
  /** `expiresAtMs` orders two modals with one custom_id opened on two nodes: the later one wins, as it replaces the first in one process. */
  z.object({ held: z.literal(true), expiresAtMs: z.number().nonnegative() }),
]);
export type HeldAnswer = z.infer<typeof HeldAnswerSchema>;

export interface AskedNode {
  node: string;
  answer: Promise<unknown>;
}

/** The answer as this node reads it: held with its expiry, or null (not held, failed, or malformed: `onMalformed` counts those). */
async function heldBy(asked: AskedNode, onMalformed: () => void): Promise<{ node: string; expiresAtMs: number } | null> {
  let raw: unknown;
  try {
    raw = await asked.answer;
  } catch {
    return null;
  }
  const parsed = HeldAnswerSchema.safeParse(raw);
  if (!parsed.success) {
    onMalformed();
    return null;
  }
  return parsed.data.held ? { node: asked.node, expiresAtMs: parsed.data.expiresAtMs } : null;
}

/** The first node that holds it (a message id is unique: no need to wait for the rest), null once all said no. */
export function firstHolder(asked: AskedNode[], onMalformed: () => void = () => undefined): Promise<string | null> {
  return new Promise((resolve) => {
    let left = asked.length;
    if (left === 0) resolve(null);
    for (const a of asked) {
      void heldBy(a, onMalformed).then((h) => {
        left--;
        if (h) resolve(h.node);
        else if (left === 0) resolve(null);
      });
    }
  });
}

/**
 * The node holding the latest-opened one (ties: the smallest name), null when none does. It waits
 * for every node, but no longer than `graceMs` after the first that holds one: a modal opened again
 * elsewhere is dropped here (modalReplaced), so one holder is the rule, and a stalled node must not
 * hold every submit for the forwarder's whole timeout.
 */
export function newestHolder(asked: AskedNode[], onMalformed: () => void = () => undefined, graceMs = 250): Promise<string | null> {
  return new Promise((resolve) => {
    const held: { node: string; expiresAtMs: number }[] = [];
    let left = asked.length;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const decide = () => {
      if (timer) clearTimeout(timer);
      held.sort((x, y) => y.expiresAtMs - x.expiresAtMs || (x.node < y.node ? -1 : 1));
      resolve(held[0]?.node ?? null);
    };
    if (left === 0) resolve(null);
    for (const a of asked) {
      void heldBy(a, onMalformed).then((h) => {
        left--;
        if (h) held.push(h);
        if (left === 0) decide();
        else if (h && !timer) timer = setTimeout(decide, graceMs);
      });
    }
  });
}
