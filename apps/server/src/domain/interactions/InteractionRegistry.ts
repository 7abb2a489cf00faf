// The live interactions and their tokens. A token is `base64url("interaction:<id>").<48 random bytes>`,
// so the webhook routes can tell an interaction token from a webhook's and find its interaction
// without a scan; tokens compare in constant time and stop working after 15 minutes.
import { INTERACTION_TOKEN_TTL_MS } from '@concord/protocol';
import crypto from 'node:crypto';
import { DomainError } from '../DomainError.ts';
import type { Interaction } from './Interaction.ts';

export class InteractionRegistry {
  private readonly interactions = new Map<string, Interaction>();

  /** `nowMs` is the service's clock (tests move it forward to expire tokens). */
  constructor(private readonly nowMs: () => number) {}

  /** A fresh token for an interaction id. */
  static mintToken(id: string): string {
    return `${Buffer.from(`interaction:${id}`).toString('base64url')}.${crypto.randomBytes(48).toString('base64url')}`;
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
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 64) return null;
  const prefix = Buffer.from(token.slice(0, dot), 'base64url').toString();
  const m = /^interaction:(\d{1,20})$/.exec(prefix);
  return m ? m[1]! : null;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
