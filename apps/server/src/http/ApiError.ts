// The one error class routes throw: it carries Discord's numeric code, the HTTP status and the
// field errors; HttpServer renders it as {code, message, errors}.
import { ErrorCode, type FieldErrors } from '@concord/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: FieldErrors,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalidForm(errors: FieldErrors): ApiError {
    return new ApiError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', errors);
  }

  /** A single-field form error, as Discord reports e.g. an unknown reply target. */
  static fieldError(field: string, code: string, message: string): ApiError {
    return ApiError.invalidForm({ [field]: { _errors: [{ code, message }] } });
  }

  static unauthorized(): ApiError {
    return new ApiError(401, ErrorCode.General, '401: Unauthorized');
  }
  static missingAccess(): ApiError {
    return new ApiError(403, ErrorCode.MissingAccess, 'Missing Access');
  }
  static missingPermissions(): ApiError {
    return new ApiError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
  }
  static notFound(code: number, what: string): ApiError {
    return new ApiError(404, code, `Unknown ${what}`);
  }
  static unknownChannel(): ApiError {
    return ApiError.notFound(ErrorCode.UnknownChannel, 'Channel');
  }
  static unknownGuild(): ApiError {
    return ApiError.notFound(ErrorCode.UnknownGuild, 'Guild');
  }
  static unknownMessage(): ApiError {
    return ApiError.notFound(ErrorCode.UnknownMessage, 'Message');
  }
  static unknownMember(): ApiError {
    return ApiError.notFound(ErrorCode.UnknownMember, 'Member');
  }
  static unknownRole(): ApiError {
    return ApiError.notFound(ErrorCode.UnknownRole, 'Role');
  }
  static unknownUser(): ApiError {
    return ApiError.notFound(ErrorCode.UnknownUser, 'User');
  }
}
