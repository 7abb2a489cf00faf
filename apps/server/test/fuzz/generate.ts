// Deterministic input generators for the fuzz suites: a seeded PRNG, values built from the zod
// request schemas (valid-ish, near the limits), and mutations of them that a hostile client sends
// (wrong types, huge strings, deep nesting, lone surrogates, broken JSON, broken UTF-8).
// Everything is a pure function of the Rng, so a seed replays the same sequence of cases.
import { snowflakeSchema, permissionsSchema, z } from '@concord/protocol';

/** mulberry32: tiny, fast and good enough to pick cases; the seed fixes the whole run. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Ids of real objects, so generated bodies reference things that exist and handlers go deep. */
export interface IdPool {
  ids: readonly string[];
}

// ------------------------------------------------------------------ strings

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789_';
/** Characters that break naive code: quotes, separators, controls, RTL, ZWJ, astral, combining. */
const TRICKY = ['"', "'", '\\', '/', '%', '..', '\u0000', '\n', '\r', '\t', '\u202e', '\u200d', '\ufeff', '😀', '👨‍👩‍👧', 'é', 'ü', '𝕏', '\u0301', '<', '>', '&', '@everyone', '<@1>', '`', '*', '|'];

export function alnum(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM.charAt(rng.int(ALNUM.length));
  return s;
}

function trickyString(rng: Rng, length: number): string {
  let s = '';
  while (s.length < length) s += rng.chance(0.7) ? ALNUM.charAt(rng.int(ALNUM.length)) : rng.pick(TRICKY);
  return s;
}

/** Strings a hostile client sends where any string is accepted. */
export function nastyString(rng: Rng): string {
  switch (rng.int(14)) {
    case 0:
      return '';
    case 1:
      return 'a'.repeat(rng.pick([257, 2001, 4097, 70_000]));
    case 2:
      return '\ud800' + alnum(rng, 3); // lone high surrogate
    case 3:
      return alnum(rng, 2) + '\udc00'; // lone low surrogate
    case 4:
      return '\u0000'.repeat(rng.range(1, 8));
    case 5:
      return '😀'.repeat(rng.pick([1, 33, 1001]));
    case 6:
      return rng.pick(['NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x10', '1_000', ' 1 ']);
    case 7:
      return rng.pick(['-1', '0', '18446744073709551616', '9'.repeat(30), '1'.repeat(20), '1.5']);
    case 8:
      return rng.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
    case 9:
      return rng.pick(['(a+)+$', '(?<x>a)\\k<x>', '[', '\\', '.*.*.*.*=x$', '(?i)a', '\\p{Lu}']);
    case 10:
      return rng.pick(['<script>alert(1)</script>', '../../etc/passwd', 'javascript:alert(1)', 'http://', 'ftp://x', 'data:text/html,x']);
    case 11:
      return ' '.repeat(rng.range(1, 40));
    default:
      return trickyString(rng, rng.range(1, 40));
  }
}

// ------------------------------------------------------------------ values from zod schemas

interface GenOptions {
  pool: IdPool;
  depth: number;
}

const MAX_GEN_DEPTH = 6;

/** A snowflake-ish value: mostly real ids, sometimes random digits or numbers. */
function snowflakeValue(rng: Rng, pool: IdPool): Json {
  if (pool.ids.length > 0 && rng.chance(0.7)) return rng.pick(pool.ids);
  if (rng.chance(0.5)) return String(rng.range(1, 2 ** 31)) + String(rng.range(1e8, 1e9 - 1));
  return rng.range(0, 2 ** 31);
}

function stringFor(schema: z.ZodString, rng: Rng): string {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 40);
  if (schema.isEmail) return `${alnum(rng, rng.range(1, 10))}@example.com`;
  if (schema.isURL) return rng.pick(['https://example.com/a.png', 'http://localhost/x', 'https://example.com/' + alnum(rng, 8)]);
  if (schema.isDatetime) return new Date(rng.range(0, 2 ** 41)).toISOString();
  const regex = schema._def.checks.find((c): c is { kind: 'regex'; regex: RegExp; message?: string } => c.kind === 'regex');
  // At the limits a third of the time: exactly the maximum, or one over.
  let length: number;
  const roll = rng.int(6);
  if (roll === 0) length = max;
  else if (roll === 1) length = max + 1;
  else length = rng.range(min, Math.min(max, min + 24));
  // Long strings are cheap repeats (a 10 MB avatar limit would otherwise cost 10M PRNG draws);
  // anything over the 1 MB JSON body limit only tests the 413, which 200 KB of a body also reaches.
  if (length > 2000) return 'a'.repeat(Math.min(length, 200_000));
  if (regex || rng.chance(0.6)) {
    const s = alnum(rng, length);
    return regex && !regex.regex.test(s) && rng.chance(0.8) ? alnum(rng, Math.max(min, 2)) : s;
  }
  return trickyString(rng, length).slice(0, Math.max(length, 1));
}

function numberFor(schema: z.ZodNumber, rng: Rng): number {
  const lo = schema.minValue ?? -(2 ** 31);
  const hi = schema.maxValue ?? 2 ** 31;
  const roll = rng.int(8);
  let n: number;
  if (roll === 0) n = lo;
  else if (roll === 1) n = hi;
  else if (roll === 2) n = hi + 1;
  else if (roll === 3) n = lo - 1;
  else n = lo + Math.floor(rng.next() * Math.min(hi - lo + 1, 2 ** 40));
  if (!schema.isInt && rng.chance(0.2)) n += 0.5;
  return n;
}

/** A value shaped by `schema`: valid most of the time, near the limits often. */
export function valueFor(schema: z.ZodTypeAny, rng: Rng, options: GenOptions): Json | undefined {
  const deeper = { ...options, depth: options.depth + 1 };
  if (schema === snowflakeSchema) return snowflakeValue(rng, options.pool);
  if (schema === permissionsSchema) return rng.pick(['0', '8', '1024', '2048', String(rng.range(0, 2 ** 31)), '18446744073709551615', '-1', 'abc']);
  if (schema instanceof z.ZodOptional) return rng.chance(0.4) && options.depth > 0 ? undefined : valueFor(schema.unwrap(), rng, options);
  if (schema instanceof z.ZodNullable) return rng.chance(0.15) ? null : valueFor(schema.unwrap(), rng, options);
  if (schema instanceof z.ZodDefault) return rng.chance(0.3) ? undefined : valueFor(schema.removeDefault(), rng, options);
  if (schema instanceof z.ZodEffects) return valueFor(schema.innerType(), rng, options);
  if (schema instanceof z.ZodLazy) return options.depth >= MAX_GEN_DEPTH ? undefined : valueFor(schema.schema, rng, deeper);
  if (schema instanceof z.ZodPipeline) return valueFor(schema._def.in, rng, options);
  if (schema instanceof z.ZodCatch) return valueFor(schema.removeCatch(), rng, options);
  if (schema instanceof z.ZodBranded) return valueFor(schema.unwrap(), rng, options);
  if (schema instanceof z.ZodReadonly) return valueFor(schema._def.innerType, rng, options);
  if (schema instanceof z.ZodString) return stringFor(schema, rng);
  if (schema instanceof z.ZodNumber) return numberFor(schema, rng);
  if (schema instanceof z.ZodBigInt) return String(rng.range(0, 2 ** 31));
  if (schema instanceof z.ZodBoolean) return rng.chance(0.5);
  if (schema instanceof z.ZodNull) return null;
  if (schema instanceof z.ZodUndefined) return undefined;
  if (schema instanceof z.ZodLiteral) {
    const v: unknown = schema.value;
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : null;
  }
  if (schema instanceof z.ZodEnum) return rng.pick(schema.options as readonly string[]);
  if (schema instanceof z.ZodNativeEnum) {
    const values = Object.values(schema.enum as Record<string, string | number>);
    return values.length > 0 ? rng.pick(values) : null;
  }
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) {
    const opts: readonly z.ZodTypeAny[] = schema.options;
    return valueFor(rng.pick(opts), rng, options);
  }
  if (schema instanceof z.ZodIntersection) {
    const a = valueFor(schema._def.left, rng, options);
    const b = valueFor(schema._def.right, rng, options);
    return isObject(a) && isObject(b) ? { ...a, ...b } : a ?? null;
  }
  if (schema instanceof z.ZodArray) {
    if (options.depth >= MAX_GEN_DEPTH) return [];
    const min: number = schema._def.minLength?.value ?? 0;
    const max: number = schema._def.maxLength?.value ?? Math.max(min, 4);
    const roll = rng.int(8);
    const n = roll === 0 ? max + 1 : roll === 1 ? max : rng.range(min, Math.min(max, min + 3));
    const item: z.ZodTypeAny = schema.element;
    const out: Json[] = [];
    for (let i = 0; i < Math.min(n, 200); i++) out.push(valueFor(item, rng, deeper) ?? null);
    return out;
  }
  if (schema instanceof z.ZodTuple) {
    const items: readonly z.ZodTypeAny[] = schema.items;
    return items.map((item) => valueFor(item, rng, deeper) ?? null);
  }
  if (schema instanceof z.ZodObject) {
    if (options.depth >= MAX_GEN_DEPTH) return {};
    const shape: Record<string, z.ZodTypeAny> = schema.shape;
    const out: { [key: string]: Json } = {};
    for (const [key, field] of Object.entries(shape)) {
      // Optional fields are present half the time so bodies stay varied.
      if (field.isOptional() && rng.chance(0.5)) continue;
      const v = valueFor(field, rng, deeper);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (schema instanceof z.ZodRecord) {
    const out: { [key: string]: Json } = {};
    const valueSchema: z.ZodTypeAny = schema.valueSchema;
    for (let i = rng.int(3); i > 0; i--) out[alnum(rng, rng.range(1, 8))] = valueFor(valueSchema, rng, deeper) ?? null;
    return out;
  }
  // z.unknown(), z.any() and anything new: an arbitrary JSON value.
  return anyJson(rng, options.depth);
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An arbitrary small JSON value. */
export function anyJson(rng: Rng, depth = 0): Json {
  const roll = rng.int(depth >= 3 ? 5 : 7);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 2 ** 53 + 2, -(2 ** 63), 1e21, 1.5, -0, Number.MAX_VALUE, Number.MIN_VALUE]);
    case 3:
      return nastyString(rng);
    case 4:
      return alnum(rng, rng.range(0, 12));
    case 5: {
      const out: Json[] = [];
      for (let i = rng.int(4); i > 0; i--) out.push(anyJson(rng, depth + 1));
      return out;
    }
    default: {
      const out: { [key: string]: Json } = {};
      for (let i = rng.int(4); i > 0; i--) out[rng.chance(0.7) ? alnum(rng, rng.range(1, 8)) : nastyString(rng)] = anyJson(rng, depth + 1);
      return out;
    }
  }
}

// ------------------------------------------------------------------ mutations

/** Nested arrays or objects `depth` levels deep (what recursive validators and encoders choke on). */
export function deepNesting(depth: number, kind: 'array' | 'object'): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/** A value of the wrong kind, or an extreme one of the right kind. */
export function nastyValue(rng: Rng): Json {
  switch (rng.int(12)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([-1, 0, 1.5, 2 ** 53 + 1, -(2 ** 64), 1e21, 1e300, -0, Number.MAX_SAFE_INTEGER + 2]);
    case 3:
    case 4:
      return nastyString(rng);
    case 5:
      return [];
    case 6:
      return {};
    case 7:
      // Deeper nesting is sent as raw text (serializeJson): JSON.stringify itself recurses.
      return deepNesting(rng.pick([50, 200, 1000]), rng.chance(0.5) ? 'array' : 'object');
    case 8:
      return Array.from({ length: rng.pick([101, 1001, 10_001]) }, (_, i) => i);
    case 9: {
      const o: { [key: string]: Json } = {};
      for (let i = 0; i < 500; i++) o[`k${i}`] = i;
      return o;
    }
    case 10:
      return [nastyString(rng), null, {}, []];
    default:
      return anyJson(rng);
  }
}

type Path = (string | number)[];

function collectPaths(v: Json, path: Path, out: Path[], limit: number): void {
  if (out.length >= limit) return;
  out.push(path);
  if (Array.isArray(v)) v.forEach((item, i) => collectPaths(item, [...path, i], out, limit));
  else if (isObject(v)) for (const [k, item] of Object.entries(v)) collectPaths(item, [...path, k], out, limit);
}

function replaceAt(v: Json, path: Path, replacement: (old: Json) => Json | undefined): Json {
  if (path.length === 0) return replacement(v) ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(v) && typeof head === 'number') {
    const copy = [...v];
    const next = replaceAt(copy[head] ?? null, rest, replacement);
    copy[head] = next;
    return copy;
  }
  if (isObject(v) && typeof head === 'string') {
    if (rest.length > 0) return { ...v, [head]: replaceAt(v[head] ?? null, rest, replacement) };
    const r = replacement(v[head] ?? null);
    if (r !== undefined) return { ...v, [head]: r };
    const { [head]: _removed, ...without } = v;
    return without;
  }
  return v;
}

/** One structural mutation at a random place in `value`. */
export function mutate(value: Json, rng: Rng): Json {
  const paths: Path[] = [];
  collectPaths(value, [], paths, 200);
  const at = rng.pick(paths);
  switch (rng.int(6)) {
    case 0: // drop a field (a required one, often)
      return at.length === 0 ? {} : replaceAt(value, at, () => undefined);
    case 1: // an extra key with an odd name
      return replaceAt(value, at, (old) => (isObject(old) ? { ...old, [rng.chance(0.5) ? nastyString(rng) : alnum(rng, 6)]: nastyValue(rng) } : old));
    case 2: // wrap in an array
      return replaceAt(value, at, (old) => [old]);
    default: // the wrong kind of value, or an extreme one
      return replaceAt(value, at, () => nastyValue(rng));
  }
}

/** A body for `schema`: valid-ish, then mutated some of the time. */
export function bodyFor(schema: z.ZodTypeAny | null, rng: Rng, pool: IdPool): Json {
  if (!schema) return rng.chance(0.5) ? {} : anyJson(rng);
  let v: Json = valueFor(schema, rng, { pool, depth: 0 }) ?? {};
  for (let n = rng.chance(0.45) ? rng.range(1, 3) : 0; n > 0; n--) v = mutate(v, rng);
  if (rng.chance(0.05)) v = nastyValue(rng); // the whole body of the wrong kind
  return v;
}

// ------------------------------------------------------------------ raw bytes

const enc = new TextEncoder();

/**
 * Serializes a JSON body, then sometimes breaks the bytes the way a broken or hostile client does:
 * truncated, invalid JSON tokens, invalid UTF-8, a BOM, huge numbers JSON.stringify cannot write.
 */
export function serializeJson(value: Json, rng: Rng): Uint8Array {
  const text = JSON.stringify(value);
  if (!rng.chance(0.25)) return enc.encode(text);
  switch (rng.int(9)) {
    case 0:
      return enc.encode(text.slice(0, rng.int(Math.max(text.length, 1))));
    case 1:
      return enc.encode(text.replace(/:(\s*)("[^"]*"|-?\d[\d.eE+-]*|true|false|null)/, `:${rng.pick(['NaN', 'Infinity', '1e999', '-1e999', '123456789012345678901234567890', '-0', '0x10', 'undefined'])}`));
    case 2: {
      const bytes = enc.encode(text);
      const bad = rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]]);
      const at = rng.int(bytes.length + 1);
      return concat([bytes.subarray(0, at), Uint8Array.from(bad), bytes.subarray(at)]);
    }
    case 3:
      return concat([Uint8Array.from([0xef, 0xbb, 0xbf]), enc.encode(text)]);
    case 4:
      return enc.encode(text + rng.pick(['x', '}', ',', '\u0000', ' garbage']));
    case 5:
      return enc.encode(text.replace(/"[^"]*"/, '"\\ud800"'));
    case 6: {
      const depth = rng.pick([1000, 10_000, 100_000]);
      const field = rng.pick(['content', 'name', 'embeds', 'components', 'attachments', 'activities', 'd']);
      return enc.encode(`{"${field}":${'['.repeat(depth)}${rng.chance(0.7) ? ']'.repeat(depth) : ''}}`);
    }
    case 7:
      return enc.encode(`{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},${text.startsWith('{') ? text.slice(1) : '"v":1}'}`);
    default:
      return rng.bytes(rng.range(1, 64));
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
