// Compiles dispatchShapes.ts into plain TypeScript: per shape one encoder and one decoder that read
// and write each known field by name at its own site, so V8 sees fixed property accesses and
// objects built in one fixed order (no keyed lookups, and no eval: the renderer's CSP forbids it).
// Run after changing a shape:   node --import tsx packages/protocol/src/codec/generateShapeCodecs.ts
// codec.test.ts fails while shapeCodecs.generated.ts is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISPATCH_EVENTS } from '../gateway.ts';
import { EVENT_SHAPES, type ObjectShape } from './dispatchShapes.ts';

export const GENERATED_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shapeCodecs.generated.ts');

/** Every shape reachable from the event table, each once, dependencies in any order (functions hoist). */
function allShapes(): ObjectShape[] {
  const seen = new Map<string, ObjectShape>();
  const visit = (shape: ObjectShape): void => {
    const known = seen.get(shape.name);
    if (known) {
      if (known !== shape) throw new Error(`two shapes are named ${shape.name}`);
      return;
    }
    seen.set(shape.name, shape);
    for (const sub of shape.nested) if (sub) visit(sub);
  };
  for (const name of DISPATCH_EVENTS) {
    const shape = EVENT_SHAPES[name];
    if (shape) visit(shape);
  }
  return [...seen.values()];
}

/** The value write of a field: a nested shape is called directly (one fixed callee per site, so V8 can inline it). */
function fieldWrite(sub: ObjectShape | null): string {
  if (!sub) return 'writeField(w, v, depth + 1);';
  return `if (typeof v === 'object' && v !== null) { if (Array.isArray(v)) encList${sub.name}(w, v, depth + 1); else enc${sub.name}(w, v as Record<string, unknown>, depth + 1); } else writeValue(w, v, depth + 1);`;
}

// An absent field costs nothing until a later field is present: its markers are written then, in
// one call, and absent fields after the last present one are never written at all.
function encoderOf(shape: ObjectShape): string {
  const lines = [
    `function enc${shape.name}(w: Writer, o: Record<string, unknown>, depth: number): void {`,
    `  const tagOffset = beginShaped(w, depth);`,
    `  let written = 0;`,
    `  let present = 0;`,
    `  let v: unknown;`,
  ];
  shape.keys.forEach((key, i) => {
    const gap = i === 0 ? '' : `if (written !== ${i}) writeAbsent(w, ${i} - written); `;
    lines.push(`  v = o[${JSON.stringify(key)}];`, `  if (v !== undefined && typeof v !== 'function') { ${gap}present++; ${fieldWrite(shape.nested[i] ?? null)} written = ${i + 1}; }`);
  });
  lines.push(`  endShaped(w, o, ${shape.name}, tagOffset, written, present, depth);`, `}`);
  return lines.join('\n');
}

/** An array of objects of one shape (writeWithShape's array case, with a direct call per element). */
function listEncoderOf(shape: ObjectShape): string {
  return [
    `function encList${shape.name}(w: Writer, a: readonly unknown[], depth: number): void {`,
    `  beginList(w, a.length, depth);`,
    `  for (let i = 0; i < a.length; i++) {`,
    `    const item = a[i];`,
    `    if (typeof item === 'object' && item !== null && !Array.isArray(item)) enc${shape.name}(w, item as Record<string, unknown>, depth + 1);`,
    `    else writeValue(w, item === undefined ? null : item, depth + 1);`,
    `  }`,
    `}`,
  ].join('\n');
}

function decoderOf(shape: ObjectShape): string {
  const n = shape.keys.length;
  const lines = [
    `function dec${shape.name}(r: Reader, depth: number, withExtras: boolean): Record<string, unknown> {`,
    `  const n = readShapedCount(r, ${n}, depth);`,
    `  const o: Record<string, unknown> = {};`,
    `  let tag: number;`,
  ];
  shape.keys.forEach((key, i) => {
    const sub = shape.nested[i];
    const read = sub
      ? `tag === TAG_SHAPED ? dec${sub.name}(r, depth + 1, false) : tag === TAG_ARRAY ? decList${sub.name}(r, depth + 1) : readTagged(r, tag, depth + 1, ${sub.name})`
      : 'readField(r, tag, depth + 1, null)';
    lines.push(`  if (n > ${i} && (tag = r.u8()) !== TAG_ABSENT) o[${JSON.stringify(key)}] = ${read};`);
  });
  lines.push(`  if (withExtras) readExtras(r, o, depth);`, `  return o;`, `}`);
  return lines.join('\n');
}

/** readTagged's array case for an array whose objects follow `shape`, calling its decoder directly. */
function listDecoderOf(shape: ObjectShape): string {
  return [
    `function decList${shape.name}(r: Reader, depth: number): unknown[] {`,
    `  const count = readListCount(r, depth);`,
    `  const out: unknown[] = [];`,
    `  for (let i = 0; i < count; i++) {`,
    `    const tag = r.u8();`,
    `    out.push(tag === TAG_SHAPED ? dec${shape.name}(r, depth + 1, false) : readTagged(r, tag, depth + 1, ${shape.name}));`,
    `  }`,
    `  return out;`,
    `}`,
  ].join('\n');
}

export function generateShapeCodecsSource(): string {
  const shapes = allShapes();
  const out = [
    '// GENERATED by generateShapeCodecs.ts from dispatchShapes.ts: do not edit by hand.',
    '// One encoder/decoder pair per shape; the wire format is described in BinaryCodec.ts.',
    "import type { DispatchEventName } from '../gateway.ts';",
    'import {',
    '  TAG_ABSENT,',
    '  TAG_ARRAY,',
    '  TAG_SHAPED,',
    '  beginList,',
    '  beginShaped,',
    '  endShaped,',
    '  readExtras,',
    '  readShapedCount,',
    '  readField,',
    '  readListCount,',
    '  readTagged,',
    '  writeAbsent,',
    '  writeField,',
    '  writeValue,',
    '  type Reader,',
    '  type ShapeCodec,',
    '  type Writer,',
    "} from './binaryPrimitives.ts';",
    '',
  ];
  const nested = new Set(shapes.flatMap((shape) => shape.nested.filter((sub) => sub !== null)));
  for (const shape of shapes) {
    out.push(encoderOf(shape), '', decoderOf(shape), '');
    if (nested.has(shape)) out.push(listEncoderOf(shape), '', listDecoderOf(shape), '');
    out.push(`const ${shape.name}: ShapeCodec = { keys: new Set(${JSON.stringify(shape.keys)}), encode: enc${shape.name}, decode: dec${shape.name} };`, '');
  }
  out.push('/** The compiled shape of each event that has one (dispatchShapes.ts EVENT_SHAPES). */');
  out.push('export const EVENT_SHAPE_CODECS: { readonly [K in DispatchEventName]?: ShapeCodec } = {');
  for (const name of DISPATCH_EVENTS) {
    const shape = EVENT_SHAPES[name];
    if (shape) out.push(`  ${name}: ${shape.name},`);
  }
  out.push('};', '');
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(GENERATED_FILE, generateShapeCodecsSource());
  process.stdout.write(`wrote ${path.relative(process.cwd(), GENERATED_FILE)}\n`);
}
