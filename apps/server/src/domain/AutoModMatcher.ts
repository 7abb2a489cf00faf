// What an auto-moderation rule matches: its keywords (with Discord's wildcards and the allow list),
// its regex patterns (linear time, under a step budget shared by all rules of one message) and
// mention spam. Compiled once per rule; matching is pure.
import { AutoModTriggerType, LinearRegex } from '@concord/protocol';
import type { AutoModRuleRecord } from '../store/botRecords.ts';
import { KeywordMatcher } from './KeywordMatcher.ts';

/**
 * Built-in keyword presets. Discord curates these lists; this server ships short starter lists
 * (whole words and common suffixes). The slurs preset is empty on purpose: communities add the
 * terms they need with a keyword rule.
 */
const PRESET_KEYWORDS: Record<number, readonly string[]> = {
  1: ['fuck*', 'shit*', 'bullshit', 'bitch*', 'asshole*', 'bastard*', 'dickhead*', 'motherfuck*', 'wanker*'],
  2: ['porn*', 'nude*', 'nsfw', 'hentai', 'xxx'],
  3: [],
};

const USER_MENTION = /<@!?(\d{15,20})>/g;
const ROLE_MENTION = /<@&(\d{15,20})>/g;

/** Allow-listed matches of one pattern skipped before giving up on it (each retry is a new search). */
const MAX_EXCUSED_MATCHES = 16;

export interface AutoModMatch {
  rule: AutoModRuleRecord;
  keyword: string | null;
  matchedContent: string | null;
}

/** A rule's matchers, compiled once when the rule is loaded, created or modified. */
export interface CompiledRule {
  keywords: KeywordMatcher;
  patterns: LinearRegex[];
  allow: KeywordMatcher;
}

export function compileRule(r: AutoModRuleRecord): CompiledRule {
  const keywords = [...(r.trigger_metadata.keyword_filter ?? [])];
  for (const preset of r.trigger_metadata.presets ?? []) keywords.push(...(PRESET_KEYWORDS[preset] ?? []));
  const patterns: LinearRegex[] = [];
  for (const p of r.trigger_metadata.regex_patterns ?? []) {
    // Checked by the request schema; a stored pattern that no longer compiles matches nothing.
    if (LinearRegex.check(p) === null) patterns.push(LinearRegex.compile(p));
  }
  return { keywords: new KeywordMatcher(keywords), patterns, allow: new KeywordMatcher(r.trigger_metadata.allow_list ?? []) };
}

/**
 * The first match of a rule in a message, null when none, or 'budget' when a pattern search ran out
 * of `budget.steps` (shared by every rule of the message; the caller counts it as a miss).
 */
export function matchRule(rule: AutoModRuleRecord, compiled: CompiledRule, content: string, budget: { steps: number }): AutoModMatch | 'budget' | null {
  if (rule.trigger_type === AutoModTriggerType.MENTION_SPAM) {
    const unique = new Set([...content.matchAll(USER_MENTION)].map((m) => `u${m[1]}`));
    for (const m of content.matchAll(ROLE_MENTION)) unique.add(`r${m[1]}`);
    const limit = rule.trigger_metadata.mention_total_limit ?? Number.POSITIVE_INFINITY;
    return unique.size > limit ? { rule, keyword: null, matchedContent: null } : null;
  }
  const allowed = compiled.allow.size > 0 ? compiled.allow.coverage(content) : () => false;
  const hit = compiled.keywords.find(content, (h) => !allowed(h.start, h.end));
  if (hit) return { rule, keyword: hit.keyword, matchedContent: content.slice(hit.start, hit.end) };
  for (const re of compiled.patterns) {
    let from = 0;
    for (let tries = 0; tries < MAX_EXCUSED_MATCHES && from <= content.length; tries++) {
      const found = re.search(content, from, budget);
      if (found.status === 'budget') return 'budget';
      if (found.status === 'none') break;
      const { start, end, text } = found.match;
      if (!allowed(start, end)) return { rule, keyword: re.source, matchedContent: text };
      from = end > start ? end : end + 1;
    }
  }
  return null;
}
