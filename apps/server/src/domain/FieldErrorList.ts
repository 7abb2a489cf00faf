// Collects Discord-shaped field errors ({a: {0: {b: {_errors: [...]}}}}) while a whole input is
// checked, so one 50035 reports every problem at once.
import type { FieldErrors } from '@concord/protocol';
import { DomainError } from './DomainError.ts';

export class FieldErrorList {
  readonly root: FieldErrors = {};
  count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node = this.root;
    for (const segment of path) {
      const key = String(segment);
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined || Array.isArray(next)) {
        const created: FieldErrors = {};
        node[key] = created;
        node = created;
      } else node = next;
    }
    (node._errors ??= []).push({ code, message });
    this.count++;
  }

  throwIfAny(): void {
    if (this.count > 0) throw DomainError.invalidForm(this.root);
  }
}
