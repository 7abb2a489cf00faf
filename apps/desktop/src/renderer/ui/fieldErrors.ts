// Discord's 50035 field-error tree (`errors.name._errors[0].message`) as one message per form field,
// for every form that shows the API's errors next to its labels.
import type { FieldErrors } from '@concord/protocol';

/** The first message for each top-level field of a Discord field-error tree. */
export function flattenFieldErrors(errors: FieldErrors | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!errors) return out;
  for (const [field, value] of Object.entries(errors)) {
    if (field === '_errors' || !value || Array.isArray(value)) continue;
    const first = value._errors?.[0]?.message;
    if (first) out[field] = first;
    else {
      const nested = Object.values(flattenFieldErrors(value))[0];
      if (nested) out[field] = nested;
    }
  }
  return out;
}
