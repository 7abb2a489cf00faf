// `--name value`, `--name=value` and `--flag` on the command line; BENCH_<NAME> in the environment
// as a fallback (e.g. BENCH_N=5000). Unknown options stop the bench with the list of known ones.

export interface OptionSpec {
  [name: string]: { default: string; help: string };
}

export function parseArgs<S extends OptionSpec>(spec: S, argv = process.argv.slice(2)): { [K in keyof S]: string } {
  const out: Record<string, string> = {};
  for (const [name, o] of Object.entries(spec)) {
    const envName = `BENCH_${name.toUpperCase().replace(/-/g, '_')}`;
    out[name] = process.env[envName] ?? o.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stderr.write(Object.entries(spec).map(([n, o]) => `  --${n} (default ${o.default || '""'}): ${o.help}`).join('\n') + '\n');
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!(name in spec)) throw new Error(`unknown option --${name}; known: ${Object.keys(spec).map((n) => `--${n}`).join(' ')}`);
    if (eq > 0) out[name] = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out[name] = argv[++i]!;
    else out[name] = 'true';
  }
  return out as { [K in keyof S]: string };
}

export function intOption(value: string, name: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

export function numberOption(value: string, name: string, min = 0): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${value}`);
  return n;
}

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
};
