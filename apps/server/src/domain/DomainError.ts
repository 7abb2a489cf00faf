// The one error the server throws when a request breaks a rule: a row of the protocol's error table
// (Discord's code and the HTTP status that goes with it), a message and, for 50035, the field
// errors. The domain throws it; http/ renders it as {code, message, errors?} and knows nothing else.
import { ERRORS, type ErrorName, type FieldErrors } from '@concord/protocol';

export class DomainError extends Error {
  readonly code: number;
  readonly status: number;

  /** `message` overrides the table's default, e.g. to name the limit that was reached. */
  constructor(
    readonly kind: ErrorName,
    message: string = ERRORS[kind].message,
    readonly errors?: FieldErrors,
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = ERRORS[kind].code;
    this.status = ERRORS[kind].status;
  }

  /** Discord's 50035 with nested field errors. */
  static invalidForm(errors: FieldErrors): DomainError {
    return new DomainError('InvalidFormBody', ERRORS.InvalidFormBody.message, errors);
  }

  /** A single-field form error, as Discord reports e.g. an unknown reply target. */
  static fieldError(field: string, code: string, message: string): DomainError {
    return DomainError.invalidForm({ [field]: { _errors: [{ code, message }] } });
  }
}

/** A request refused for now: the answer carries `retry_after` (seconds) and a Retry-After header. */
export class RateLimitedError extends DomainError {
  constructor(
    kind: 'RateLimited' | 'SlowmodeRateLimited',
    readonly retryAfterS: number,
  ) {
    super(kind);
    this.name = 'RateLimitedError';
  }
}
