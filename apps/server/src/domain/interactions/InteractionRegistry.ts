// The live interactions and their tokens. A token is `base64url("interaction:<id>").<48 random bytes>`,
// so the webhook routes can tell an interaction token from a webhook's and find its interaction
// without a scan; tokens compare in constant time and stop working after 15 minutes. In a cluster
// the prefix also names the node holding the interaction (`interaction:<id>@<node>`), so another
// node knows where to forward the bot's calls (InteractionForwarder).
import { INTERACTION_TOKEN_TTL_MS } from '@concord/protocol';
import crypto from 'node:crypto';
import { DomainError } from '../DomainError.ts';
import type { Interaction } from './Interaction.ts';

export class InteractionRegistry {
  private readonly interactions = new Map<string, Interaction>();

  /** `nowMs` is the service's clock (tests move it forward to expire tokens). */
  constructor(private readonly nowMs: () => number) {}

  /** A fresh token for an interaction id; `holder` is this node's name in a cluster, null in one process. */
  static mintToken(id: string, holder: string | null = null): string {
    const prefix = holder === null ? `interaction:${id}` : `interaction:${id}@${holder}`;
    return `${Buffer.from(prefix).toString('base64url')}.${crypto.randomBytes(48).toString('base64url')}`;
  }

  /** Whether this node holds the interaction (its token may still be wrong or expired). */
  holds(interactionId: string): boolean {
    return this.interactions.has(interactionId);
  }

  add(i: Interaction): void {
    this.interactions.set(i.id, i);
  }

  /** Drops interactions whose token has expired. */
  sweep(now: number): void {
    for (const [id, i] of this.interactions) if (now - i.createdAtMs > INTERACTION_TOKEN_TTL_MS) this.interactions.delete(id);
  }

  /** The live interaction for an id and token; unknown, wrong and expired tokens are all 10062. */
  byIdAndToken(interactionId: string, token: string): Interaction {
    const i = this.interactions.get(interactionId);
    if (!i || !safeEqual(i.token, token) || this.nowMs() - i.createdAtMs > INTERACTION_TOKEN_TTL_MS) throw new DomainError('UnknownInteraction');
    return i;
  }

  /** The live interaction of a webhook-route token; expired tokens answer 50027 as Discord does. */
  byToken(applicationId: string, token: string): Interaction | null {
    const id = interactionIdFromToken(token);
    const i = id ? this.interactions.get(id) : undefined;
    if (!i || i.app.id !== applicationId || !safeEqual(i.token, token)) return null;
    if (this.nowMs() - i.createdAtMs > INTERACTION_TOKEN_TTL_MS) throw new DomainError('InvalidWebhookToken');
    return i;
  }
}

/** The interaction id a token names, or null when it is not one of ours. */
export function interactionIdFromToken(token: string): string | null {
  return parseInteractionToken(token)?.id ?? null;
}

/** The interaction id and holder node a token names (holder null for one-process tokens), or null when it is not one of ours. */
export function parseInteractionToken(token: string): { id: string; holder: string | null } | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 96) return null;
  const prefix = Buffer.from(token.slice(0, dot), 'base64url').toString();
  const m = /^interaction:(\d{1,20})(?:@([0-9a-z]{1,32}))?$/.exec(prefix);
  return m ? { id: m[1]!, holder: m[2] ?? null } : null;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
