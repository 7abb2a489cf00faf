// Activities: Discord's fields and lengths on the way in, and only the public part on the way out.
import { describe, expect, it } from 'vitest';
import { ActivitySchema, publicActivities, type ActivityInput } from './activities.ts';
import { IdentifyData, parseWith, PresenceUpdateData } from './schemas.ts';

function parsed(activity: unknown): ActivityInput {
  const result = parseWith(ActivitySchema, activity);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(activity)} to parse: ${JSON.stringify(result.errors)}`);
  return result.value;
}

const rich = {
  name: 'Chess',
  type: 0,
  url: 'https://twitch.example/me',
  details: 'Ranked',
  state: 'In a match',
  timestamps: { start: 1_700_000_000_000 },
  application_id: '175928847299117063',
  party: { id: 'p1', size: [1, 2] },
  assets: { large_image: 'board', large_text: 'Board', small_image: 'king', small_text: 'King' },
  secrets: { join: 'join-secret', spectate: 'spectate-secret', match: 'match-secret' },
  instance: true,
  flags: 1,
  buttons: [{ label: 'Watch', url: 'https://chess.example/watch' }],
};

describe('ActivitySchema', () => {
  it.each([
    ['a name of 129 characters', { name: 'n'.repeat(129), type: 0 }],
    ['an empty name', { name: '', type: 0 }],
    ['type 7', { name: 'x', type: 7 }],
    ['a state of 129 characters', { name: 'x', type: 4, state: 's'.repeat(129) }],
    ['three buttons', { name: 'x', type: 0, buttons: [1, 2, 3].map((i) => ({ label: `b${i}`, url: 'https://a.example' })) }],
    ['a button label of 33 characters', { name: 'x', type: 0, buttons: [{ label: 'l'.repeat(33), url: 'https://a.example' }] }],
    ['a button with a javascript: url', { name: 'x', type: 0, buttons: [{ label: 'l', url: 'javascript:alert(1)' }] }],
    ['a large_text of 129 characters', { name: 'x', type: 0, assets: { large_text: 't'.repeat(129) } }],
    ['a secret of 129 characters', { name: 'x', type: 0, secrets: { join: 's'.repeat(129) } }],
    ['a non-integer start timestamp', { name: 'x', type: 0, timestamps: { start: 1.5 } }],
  ])('refuses %s', (_what, activity) => {
    expect(parseWith(ActivitySchema, activity).ok).toBe(false);
  });

  it('refuses a presence update and an IDENTIFY whose activity name is 10,000 characters', () => {
    const activities = [{ name: 'n'.repeat(10_000), type: 0 }];
    expect(parseWith(PresenceUpdateData, { status: 'online', activities }).ok).toBe(false);
    expect(parseWith(IdentifyData, { token: 't', presence: { status: 'online', activities } }).ok).toBe(false);
  });

  it('strips keys Discord does not define', () => {
    expect(parsed({ name: 'x', type: 0, injected: 1, assets: { large_image: 'a', pixel: 'b' } })).toEqual({ name: 'x', type: 0, assets: { large_image: 'a' } });
  });
});

describe('publicActivities', () => {
  it('drops secrets, turns buttons into labels with metadata.button_urls, and the url of anything but a stream', () => {
    expect(publicActivities([parsed(rich)], false)).toEqual([
      {
        name: 'Chess',
        type: 0,
        details: 'Ranked',
        state: 'In a match',
        timestamps: { start: 1_700_000_000_000 },
        application_id: '175928847299117063',
        party: { id: 'p1', size: [1, 2] },
        assets: { large_image: 'board', large_text: 'Board', small_image: 'king', small_text: 'King' },
        instance: true,
        flags: 1,
        buttons: ['Watch'],
        metadata: { button_urls: ['https://chess.example/watch'] },
      },
    ]);
  });

  it("keeps a stream's url", () => {
    expect(publicActivities([parsed({ name: 'Live', type: 1, url: 'https://twitch.example/me' })], false)).toEqual([{ name: 'Live', type: 1, url: 'https://twitch.example/me' }]);
  });

  it("keeps a custom status's emoji and state", () => {
    expect(publicActivities([parsed({ name: 'Custom Status', type: 4, state: 'brb', emoji: { name: '🍵' } })], false)).toEqual([{ name: 'Custom Status', type: 4, state: 'brb', emoji: { name: '🍵' } }]);
  });

  it("keeps only name, state, type and url of a bot's activity, as Discord documents", () => {
    expect(publicActivities([parsed({ ...rich, type: 1 })], true)).toEqual([{ name: 'Chess', type: 1, url: 'https://twitch.example/me', state: 'In a match' }]);
  });

  it('answers an empty list for null or missing activities', () => {
    expect(publicActivities(null, false)).toEqual([]);
    expect(publicActivities(undefined, true)).toEqual([]);
  });
});
