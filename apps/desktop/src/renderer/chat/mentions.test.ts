import { describe, expect, it } from 'vitest';
import { resolveMentions } from './mentions.ts';

const c = {
  users: [
    { id: '1', names: ['ann', 'Ann Lee'] },
    { id: '2', names: ['bob'] },
  ],
  roles: [{ id: '9', name: 'mods' }],
  channels: [{ id: '5', name: 'general' }],
};

describe('resolveMentions', () => {
  it('turns typed names into mention syntax', () => {
    expect(resolveMentions('hi @bob and @Ann Lee in #general, ping @mods', c)).toBe('hi <@2> and <@1> in <#5>, ping <@&9>');
  });
  it('leaves emails, unknown names and code alone', () => {
    expect(resolveMentions('mail bob@bob.com @nobody `@bob`', c)).toBe('mail bob@bob.com @nobody `@bob`');
  });
});
