// Discord's `GET /applications/detectable`: the games (and launchers) desktop clients recognise by
// their running executables. Public, as Discord's is. The list is a seed file checked in with the
// server (seed/detectableGames.json), validated and serialized once at startup; clients revalidate
// their cached copy with If-None-Match and get 304 while it is unchanged.
import { DetectableApplicationListSchema, parseWith, type APIDetectableApplication } from '@concord/protocol';
import crypto from 'node:crypto';
import seed from '../../seed/detectableGames.json' with { type: 'json' };
import { JsonText, Reply, type RouteDef } from '../Route.ts';

export interface DetectableList {
  readonly applications: readonly APIDetectableApplication[];
  /** The compact JSON body, serialized once. */
  readonly body: string;
  /** A strong validator: the quoted SHA-256 of the body (changes when the seed changes). */
  readonly etag: string;
}

/** Validates the list and serializes it; throws (the server refuses to start) when the seed file is malformed. */
export function loadDetectableList(raw: unknown = seed): DetectableList {
  const parsed = parseWith(DetectableApplicationListSchema, raw);
  if (!parsed.ok) throw new Error(`apps/server/src/seed/detectableGames.json is malformed: ${JSON.stringify(parsed.errors).slice(0, 500)}`);
  const ids = new Set<string>();
  for (const app of parsed.value) {
    if (ids.has(app.id)) throw new Error(`apps/server/src/seed/detectableGames.json: duplicate id ${app.id} (${app.name})`);
    ids.add(app.id);
  }
  const body = JSON.stringify(parsed.value);
  const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { applications: parsed.value, body, etag };
}

/**
 * Whether an If-None-Match header names this entity: `*`, or a list of entity tags compared weakly
 * (RFC 9110 13.1.2: `W/"x"` matches `"x"`).
 */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const wanted = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === wanted;
  });
}

export function detectableRoutes(list: DetectableList = loadDetectableList()): RouteDef[] {
  const headers = { etag: list.etag, 'cache-control': 'no-cache' };
  const full = new Reply(200, new JsonText(list.body), headers);
  const notModified = new Reply(304, undefined, headers);
  return [{ method: 'GET', path: '/applications/detectable', auth: 'none', handler: (c) => (ifNoneMatchHits(c.ifNoneMatch, list.etag) ? notModified : full) }];
}
