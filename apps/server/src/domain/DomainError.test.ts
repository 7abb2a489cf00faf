import { ERRORS, ErrorCode } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { DomainError, RateLimitedError } from './DomainError.ts';

describe('DomainError', () => {
  it('takes code, status and default message from the error table', () => {
    const e = new DomainError('UnknownChannel');
    expect([e.code, e.status, e.message]).toEqual([10003, 404, 'Unknown Channel']);
  });

  it('keeps the status of its row when the message is overridden', () => {
    const e = new DomainError('MaxWebhooks', 'Maximum number of webhooks reached (15)');
    expect([e.code, e.status, e.message]).toEqual([30007, 400, 'Maximum number of webhooks reached (15)']);
  });

  it('reports a single-field form error as 50035 with nested _errors', () => {
    const e = DomainError.fieldError('parent_id', 'CHANNEL_PARENT_INVALID', 'Invalid parent channel');
    expect([e.code, e.status, e.message]).toEqual([50035, 400, 'Invalid Form Body']);
    expect(e.errors).toEqual({ parent_id: { _errors: [{ code: 'CHANNEL_PARENT_INVALID', message: 'Invalid parent channel' }] } });
  });

  it('carries retry-after on a rate limit and is still a DomainError', () => {
    const e = new RateLimitedError('SlowmodeRateLimited', 2.5);
    expect(e).toBeInstanceOf(DomainError);
    expect([e.code, e.status, e.retryAfterS]).toEqual([20016, 429, 2.5]);
  });
});

describe('ERRORS', () => {
  it('has a row for every code in ErrorCode, with that code and an HTTP error status', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      const row = Object.entries(ERRORS).find(([n]) => n === name)?.[1];
      expect(row?.code, name).toBe(code);
      expect(row?.status, name).toBeGreaterThanOrEqual(400);
      expect(row?.status, name).toBeLessThan(600);
    }
  });
});
