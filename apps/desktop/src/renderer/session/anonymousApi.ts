// The API client for signed-out screens (login, register, the invite landing): no token, and it
// never waits out a 429.
import { ConcordApi } from '@concord/client';
import { apiBaseUrl } from './serverUrl.ts';

/**
 * An API client without a token, for the login and register screens and the invite landing. It
 * never waits out a 429: a throttled login's retry_after is minutes, and the screen says so instead.
 */
export function anonymousApi(): ConcordApi {
  return new ConcordApi({ baseUrl: apiBaseUrl(), maxRateLimitRetries: 0 });
}
