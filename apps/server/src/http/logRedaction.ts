// Secrets never reach the log. Code logs route patterns, not raw paths; this is the second line:
// pino's redact removes known secret fields (Authorization headers, IDENTIFY/RESUME tokens,
// passwords), and the error serializer scrubs token-shaped text out of error messages and stacks,
// where a path or a payload could have been quoted.
import pino, { type Logger } from 'pino';

const CENSOR = '[redacted]';

/** Field paths that hold secrets wherever they are logged. */
export const REDACT_PATHS = [
  'authorization',
  'token',
  'password',
  'new_password',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  '*.token',
  '*.password',
  '*.new_password',
  'd.token',
  'payload.d.token',
  '*.d.token',
  'query',
  'url',
];

/** Token shapes Concord issues: user/bot tokens (id.secret), interaction tokens, webhook tokens in URLs. */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\/webhooks\/(\d+)\/[^/\s?#"']+/g, '/webhooks/$1/' + CENSOR],
  [/\/interactions\/(\d+)\/[^/\s?#"']+/g, '/interactions/$1/' + CENSOR],
  [/\b(Bot|Bearer)\s+[^\s"',]+/gi, '$1 ' + CENSOR],
  [/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)?/g, CENSOR],
  [/([?&](?:token|access_token|code|key)=)[^&\s"']+/gi, '$1' + CENSOR],
];

/** Replaces token-shaped substrings; used on free text (error messages) that redact paths cannot reach. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function serializeError(e: unknown): unknown {
  const plain = pino.stdSerializers.err(e instanceof Error ? e : new Error(String(e)));
  return { ...plain, message: scrubSecrets(plain.message), stack: scrubSecrets(plain.stack) };
}

/** A child of `log` that redacts secrets; every server component logs through it. */
export function redactingLogger(log: Logger): Logger {
  return log.child({}, { redact: { paths: REDACT_PATHS, censor: CENSOR }, serializers: { err: serializeError } });
}
