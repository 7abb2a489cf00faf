import { AutoModTriggerType } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import type { AutoModRuleRecord } from '../store/botRecords.ts';
import { compileRule, matchRule } from './AutoModMatcher.ts';

function rule(trigger_type: number, trigger_metadata: AutoModRuleRecord['trigger_metadata']): AutoModRuleRecord {
  return { id: '1', guild_id: '2', name: 'r', creator_id: '3', event_type: 1, trigger_type, trigger_metadata, actions: [], enabled: true, exempt_roles: [], exempt_channels: [] };
}

function run(r: AutoModRuleRecord, content: string, steps = 1_000_000) {
  return matchRule(r, compileRule(r), content, { steps });
}

describe('matchRule', () => {
  it('matches a wildcard keyword and reports the keyword and the matched text', () => {
    expect(run(rule(AutoModTriggerType.KEYWORD, { keyword_filter: ['spoil*'] }), 'no spoilers please')).toMatchObject({ keyword: 'spoil*', matchedContent: 'spoilers' });
    expect(run(rule(AutoModTriggerType.KEYWORD, { keyword_filter: ['spoil*'] }), 'all fine')).toBeNull();
  });

  it('skips keyword hits covered by the allow list', () => {
    const r = rule(AutoModTriggerType.KEYWORD, { keyword_filter: ['*ass*'], allow_list: ['class'] });
    expect(run(r, 'a class act')).toBeNull();
    expect(run(r, 'a class act, you ass')).not.toBeNull();
  });

  it('matches regex patterns and says so when the step budget runs out', () => {
    const r = rule(AutoModTriggerType.KEYWORD, { regex_patterns: ['b[a-z]+d'] });
    expect(run(r, 'a bird sang')).toMatchObject({ keyword: 'b[a-z]+d', matchedContent: 'bird' });
    expect(run(r, 'x'.repeat(1000), 1)).toBe('budget');
  });

  it('counts distinct user and role mentions against the mention limit', () => {
    const r = rule(AutoModTriggerType.MENTION_SPAM, { mention_total_limit: 2 });
    const u = (n: number) => `<@${String(n).padStart(17, '1')}>`;
    expect(run(r, `${u(1)} ${u(1)} ${u(2)}`)).toBeNull();
    expect(run(r, `${u(1)} ${u(2)} <@&${'3'.repeat(17)}>`)).not.toBeNull();
  });
});
