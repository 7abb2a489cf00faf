import { describe, expect, it } from 'vitest';
import { CreateAutoModRuleBody, ModifyAutoModRuleBody } from './bots.ts';

const keywordRule = (trigger_metadata: Record<string, unknown>, trigger_type = 1) => ({
  name: 'r',
  event_type: 1,
  trigger_type,
  trigger_metadata,
  actions: [{ type: 1 }],
});

const issuesOf = (r: { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));

describe('auto-moderation rule schemas', () => {
  it('accepts RE2 patterns and refuses backreferences and look-around per pattern', () => {
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ regex_patterns: ['\\bfo+\\b', '(?i)b[a4]d'] })).success).toBe(true);
    const refused = CreateAutoModRuleBody.safeParse(keywordRule({ regex_patterns: ['ok', '(a)\\1', 'x(?=y)'] }));
    expect(issuesOf(refused).map((i) => i.path)).toEqual(['trigger_metadata.regex_patterns.1', 'trigger_metadata.regex_patterns.2']);
    expect(ModifyAutoModRuleBody.safeParse({ trigger_metadata: { regex_patterns: ['(?<!a)b'] } }).success).toBe(false);
  });

  it('caps patterns at 10 per rule and 260 characters each', () => {
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ regex_patterns: Array.from({ length: 10 }, (_, i) => `w${i}`) })).success).toBe(true);
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ regex_patterns: Array.from({ length: 11 }, (_, i) => `w${i}`) })).success).toBe(false);
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ regex_patterns: ['a'.repeat(260)] })).success).toBe(true);
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ regex_patterns: ['a'.repeat(261)] })).success).toBe(false);
  });

  it('caps allow_list at 100 for keyword rules and 1000 for preset rules', () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ keyword_filter: ['x'], allow_list: words(100) })).success).toBe(true);
    expect(issuesOf(CreateAutoModRuleBody.safeParse(keywordRule({ keyword_filter: ['x'], allow_list: words(101) })))).toEqual([
      { path: 'trigger_metadata.allow_list', message: 'Must be 100 or fewer in length.' },
    ]);
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ presets: [1], allow_list: words(1000) }, 4)).success).toBe(true);
    expect(CreateAutoModRuleBody.safeParse(keywordRule({ presets: [1], allow_list: words(1001) }, 4)).success).toBe(false);
  });
});
