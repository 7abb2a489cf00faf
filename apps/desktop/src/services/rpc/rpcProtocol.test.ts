import { describe, expect, it } from 'vitest';
import { describeIssue, SetActivityArgsSchema, toGatewayActivity } from './rpcProtocol.ts';

const parse = (activity: unknown) => SetActivityArgsSchema.safeParse({ pid: 1, activity });

describe('SET_ACTIVITY validation', () => {
  it.each([
    ['details of one character', { details: 'x' }, 'details'],
    ['state over 128 characters', { state: 'x'.repeat(129) }, 'state'],
    ['large_text of one character', { assets: { large_text: 'x' } }, 'large_text'],
    ['three buttons', { buttons: [1, 2, 3].map((i) => ({ label: `b${i}`, url: 'https://e.example' })) }, 'buttons'],
    ['a button label over 32 characters', { buttons: [{ label: 'x'.repeat(33), url: 'https://e.example' }] }, 'label'],
    ['a javascript: button', { buttons: [{ label: 'x', url: 'javascript:alert(1)' }] }, 'url'],
    ['type 1 (streaming)', { type: 1 }, 'type'],
    ['type 4 (custom status)', { type: 4 }, 'type'],
    ['a party larger than its maximum', { party: { size: [5, 2] } }, 'size'],
  ])('refuses %s, naming the field', (_what, activity, field) => {
    const result = parse(activity);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssue(result.error.issues[0])).toContain(`"${field}"`);
  });

  it('accepts types 0, 2, 3 and 5 and an absent or null activity (a clear)', () => {
    for (const type of [0, 2, 3, 5]) expect(parse({ type }).success).toBe(true);
    expect(SetActivityArgsSchema.safeParse({ pid: 1 }).success).toBe(true);
    expect(SetActivityArgsSchema.safeParse({ pid: 1, activity: null }).success).toBe(true);
  });

  it('normalizes timestamps in seconds to milliseconds and leaves milliseconds alone', () => {
    const result = parse({ timestamps: { start: 1_700_000_000, end: 1_700_000_000_500 } });
    expect(result.success && result.data.activity?.timestamps).toEqual({ start: 1_700_000_000_000, end: 1_700_000_000_500 });
  });

  it("names the activity after the application, else the game's own name, with application_id = client id", () => {
    const input = { details: 'ok', name: 'Own Name', buttons: [{ label: 'Go', url: 'https://e.example/go' }] };
    expect(toGatewayActivity(input, '42', 'Server Name', 5)).toMatchObject({ name: 'Server Name', type: 0, application_id: '42', created_at: 5, buttons: [{ label: 'Go', url: 'https://e.example/go' }] });
    expect(toGatewayActivity(input, '42', null, 5)?.name).toBe('Own Name');
    expect(toGatewayActivity({}, '42', null, 5)?.name).toBe('Unknown Game');
  });
});
