// Auto moderation: per-guild rules (keywords with Discord's wildcards, regexes, keyword presets,
// mention spam) checked on every guild message before it is stored. A matching rule runs its
// actions: block the message (200000), post an alert to a channel, time the author out. Members with
// MANAGE_GUILD or ADMINISTRATOR, exempt roles and exempt channels are never checked.
import { newMessageRecord } from './newMessageRecord.ts';
import {
  AuditLogEvent,
  AutoModActionType,
  AUTOMOD_ALLOW_LIST_MAX,
  AutoModTriggerType,
  PermissionFlags,
  hasPermission,
  type APIAutoModRule,
  type AutoModRuleInput,
  type AutoModRulePatch,
} from '@concord/protocol';
import type { DispatchPayloads } from '@concord/protocol';
import { LOCAL_CACHES, covers, reloadTargets, type CacheFollower } from '../bus/CacheInvalidation.ts';
import { DomainError } from './DomainError.ts';
import type { AutoModRuleRecord } from '../store/botRecords.ts';
import type { ModerationStore } from '../store/ModerationStore.ts';
import type { ChannelRecord, UserRecord } from '../store/records.ts';
import type { AuditLogService } from './AuditLogService.ts';
import { compileRule, matchRule, type AutoModMatch, type CompiledRule } from './AutoModMatcher.ts';
import { dispatch, requireGuildPermission, type DomainContext, type MessageGate } from './DomainContext.ts';
import type { GuildState } from './DomainState.ts';
import type { MessageService } from './MessageService.ts';
import { membersWithPermission } from './permissionHolders.ts';
import { memberToAPI } from './serialize.ts';

/** Discord's per-guild limits by trigger type. */
const RULE_LIMITS: Record<number, number> = { [AutoModTriggerType.KEYWORD]: 6, [AutoModTriggerType.SPAM]: 1, [AutoModTriggerType.KEYWORD_PRESET]: 1, [AutoModTriggerType.MENTION_SPAM]: 1 };

/** Discord's AUTO_MODERATION_ACTION message type: the alert posted to a moderators' channel. */
const AUTO_MODERATION_ACTION_MESSAGE = 24;

/**
 * Thread steps the regex patterns of all rules may spend on one message. Every accepted pattern
 * runs in linear time, but a guild's 60 patterns of the largest accepted size on a 4,000-character
 * message could still take seconds; past this budget (tens of milliseconds) the remaining patterns
 * count as not matching and the miss is counted in `patternBudgetExhausted`.
 */
const MESSAGE_REGEX_STEP_BUDGET = 3_000_000;

export function ruleToAPI(r: AutoModRuleRecord): APIAutoModRule {
  return { ...r, trigger_metadata: { ...r.trigger_metadata }, actions: r.actions.map((a) => ({ ...a })) };
}

export class AutoModService implements MessageGate {
  private readonly rules = new Map<string, AutoModRuleRecord>();
  private readonly compiled = new Map<string, CompiledRule>();
  private caches: CacheFollower = LOCAL_CACHES;
  /** Pattern searches cut short by MESSAGE_REGEX_STEP_BUDGET (see there); exposed for tests and metrics. */
  patternBudgetExhausted = 0;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: ModerationStore,
    private readonly messages: MessageService,
    private readonly audit: AuditLogService,
  ) {}

  async load(): Promise<void> {
    for (const r of await this.store.listAutoModRules()) this.remember(r);
  }

  /** On a cluster bus: rules written on other nodes are re-read from the store and compiled here too. */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('autoModRule', async (ids) => {
      const stored = new Map((await this.store.listAutoModRules()).filter((r) => covers(ids, r.id)).map((r) => [r.id, r]));
      for (const id of reloadTargets(ids, this.rules.keys(), stored.keys())) {
        const r = stored.get(id);
        if (r) this.remember(r);
        else this.forget(id);
      }
    });
  }

  private remember(r: AutoModRuleRecord): void {
    this.rules.set(r.id, r);
    this.compiled.set(r.id, compileRule(r));
  }

  private forget(ruleId: string): void {
    this.rules.delete(ruleId);
    this.compiled.delete(ruleId);
  }

  private guildRules(guildId: string): AutoModRuleRecord[] {
    return [...this.rules.values()].filter((r) => r.guild_id === guildId);
  }

  /** Rule events go to members who can manage the guild (bots also need the configuration intent). */
  private announce<T extends 'AUTO_MODERATION_RULE_CREATE' | 'AUTO_MODERATION_RULE_UPDATE' | 'AUTO_MODERATION_RULE_DELETE' | 'AUTO_MODERATION_ACTION_EXECUTION'>(g: GuildState, t: T, d: DispatchPayloads[T]): void {
    for (const userId of membersWithPermission(g, PermissionFlags.MANAGE_GUILD)) dispatch(this.ctx, `u:${userId}`, t, d);
  }

  // ---------------------------------------------------------------- rules

  list(actor: UserRecord, guildId: string): APIAutoModRule[] {
    requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    return this.guildRules(guildId).map(ruleToAPI);
  }

  getOne(actor: UserRecord, guildId: string, ruleId: string): APIAutoModRule {
    requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    return ruleToAPI(this.requireRule(guildId, ruleId));
  }

  private requireRule(guildId: string, ruleId: string): AutoModRuleRecord {
    const r = this.rules.get(ruleId);
    if (!r || r.guild_id !== guildId) throw new DomainError('UnknownAutoModerationRule');
    return r;
  }

  private checkReferences(g: GuildState, input: { actions?: AutoModRuleInput['actions'] | undefined; exempt_roles?: string[] | undefined; exempt_channels?: string[] | undefined }): void {
    input.actions?.forEach((a, i) => {
      if (a.type === AutoModActionType.SEND_ALERT_MESSAGE && !g.channels.has(a.metadata.channel_id)) {
        throw DomainError.invalidForm({ actions: { [i]: { metadata: { channel_id: { _errors: [{ code: 'CHANNEL_INVALID', message: 'Unknown channel' }] } } } } });
      }
    });
    for (const id of input.exempt_roles ?? []) if (!g.roles.has(id)) throw DomainError.fieldError('exempt_roles', 'ROLE_INVALID', `Unknown role ${id}`);
    for (const id of input.exempt_channels ?? []) if (!g.channels.has(id)) throw DomainError.fieldError('exempt_channels', 'CHANNEL_INVALID', `Unknown channel ${id}`);
  }

  async create(actor: UserRecord, guildId: string, input: AutoModRuleInput, reason: string | null): Promise<APIAutoModRule> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    this.checkReferences(g, input);
    const limit = RULE_LIMITS[input.trigger_type] ?? 0;
    if (this.guildRules(guildId).filter((r) => r.trigger_type === input.trigger_type).length >= limit) {
      throw new DomainError('MaxAutoModerationRules', `Maximum number of rules of this trigger type reached (${limit})`);
    }
    const rule: AutoModRuleRecord = {
      id: this.ctx.ids.next(),
      guild_id: guildId,
      name: input.name,
      creator_id: actor.id,
      event_type: input.event_type,
      trigger_type: input.trigger_type,
      trigger_metadata: stripUndefined(input.trigger_metadata ?? {}),
      actions: input.actions.map((a) => ({ type: a.type, metadata: stripUndefined(a.metadata ?? {}) })),
      enabled: input.enabled ?? false,
      exempt_roles: input.exempt_roles ?? [],
      exempt_channels: input.exempt_channels ?? [],
    };
    await this.caches.write('autoModRule', rule.id, async () => {
      await this.store.upsertAutoModRule(rule);
      this.remember(rule);
    });
    const api = ruleToAPI(rule);
    this.announce(g, 'AUTO_MODERATION_RULE_CREATE', api);
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: rule.id, actionType: AuditLogEvent.AUTO_MODERATION_RULE_CREATE, changes: [{ key: 'name', new_value: rule.name }, { key: 'trigger_type', new_value: rule.trigger_type }], reason });
    return api;
  }

  async modify(actor: UserRecord, guildId: string, ruleId: string, patch: AutoModRulePatch, reason: string | null): Promise<APIAutoModRule> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    const rule = this.requireRule(guildId, ruleId);
    this.checkReferences(g, patch);
    const allowMax = AUTOMOD_ALLOW_LIST_MAX[rule.trigger_type];
    if (allowMax !== undefined && (patch.trigger_metadata?.allow_list?.length ?? 0) > allowMax) {
      throw DomainError.invalidForm({ trigger_metadata: { allow_list: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${allowMax} or fewer in length.` }] } } });
    }
    const next: AutoModRuleRecord = { ...rule };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.event_type !== undefined) next.event_type = patch.event_type;
    if (patch.trigger_metadata !== undefined) next.trigger_metadata = stripUndefined(patch.trigger_metadata);
    if (patch.actions !== undefined) next.actions = patch.actions.map((a) => ({ type: a.type, metadata: stripUndefined(a.metadata ?? {}) }));
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.exempt_roles !== undefined) next.exempt_roles = patch.exempt_roles;
    if (patch.exempt_channels !== undefined) next.exempt_channels = patch.exempt_channels;
    await this.caches.write('autoModRule', next.id, async () => {
      await this.store.upsertAutoModRule(next);
      this.remember(next);
    });
    const api = ruleToAPI(next);
    this.announce(g, 'AUTO_MODERATION_RULE_UPDATE', api);
    const changes = (['name', 'enabled', 'event_type'] as const).filter((k) => next[k] !== rule[k]).map((k) => ({ key: k, old_value: rule[k], new_value: next[k] }));
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: rule.id, actionType: AuditLogEvent.AUTO_MODERATION_RULE_UPDATE, changes, reason });
    return api;
  }

  async delete(actor: UserRecord, guildId: string, ruleId: string, reason: string | null): Promise<void> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    const rule = this.requireRule(guildId, ruleId);
    await this.caches.write('autoModRule', ruleId, async () => {
      await this.store.deleteAutoModRule(ruleId);
      this.forget(ruleId);
    });
    this.announce(g, 'AUTO_MODERATION_RULE_DELETE', ruleToAPI(rule));
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: rule.id, actionType: AuditLogEvent.AUTO_MODERATION_RULE_DELETE, changes: [{ key: 'name', old_value: rule.name }], reason });
  }

  // ---------------------------------------------------------------- enforcement

  /** MessageGate: runs before a guild message is stored; throws 200000 when a rule blocks it. */
  async beforeSend(actor: UserRecord, channel: ChannelRecord, content: string): Promise<void> {
    if (!channel.guild_id || content === '') return;
    const g = this.ctx.state.guilds.get(channel.guild_id);
    if (!g) return;
    const rules = this.guildRules(g.id).filter((r) => r.enabled && r.event_type === 1);
    if (rules.length === 0) return;
    const permissions = g.basePermissions(actor.id);
    if (hasPermission(permissions, PermissionFlags.ADMINISTRATOR) || hasPermission(permissions, PermissionFlags.MANAGE_GUILD)) return;
    const memberRoles = g.members.get(actor.id)?.roles ?? [];
    let blocked: { rule: AutoModRuleRecord; message: string | undefined } | null = null;
    const budget = { steps: MESSAGE_REGEX_STEP_BUDGET };
    for (const rule of rules) {
      if (rule.exempt_channels.includes(channel.id) || (channel.parent_id && rule.exempt_channels.includes(channel.parent_id))) continue;
      if (rule.exempt_roles.some((r) => memberRoles.includes(r))) continue;
      const match = this.match(rule, content, budget);
      if (!match) continue;
      for (const action of rule.actions) {
        if (action.type === AutoModActionType.BLOCK_MESSAGE) blocked ??= { rule, message: action.metadata?.custom_message };
        else if (action.type === AutoModActionType.SEND_ALERT_MESSAGE) await this.alert(g, rule, match, actor, channel, content, action.metadata?.channel_id);
        else if (action.type === AutoModActionType.TIMEOUT) await this.timeout(g, rule, actor, action.metadata?.duration_seconds ?? 60);
        this.announce(g, 'AUTO_MODERATION_ACTION_EXECUTION', {
          guild_id: g.id,
          action,
          rule_id: rule.id,
          rule_trigger_type: rule.trigger_type,
          user_id: actor.id,
          channel_id: channel.id,
          content,
          matched_keyword: match.keyword,
          matched_content: match.matchedContent,
        });
      }
      if (rule.actions.some((a) => a.type === AutoModActionType.BLOCK_MESSAGE)) {
        this.audit.recordInBackground({
          guildId: g.id,
          userId: actor.id,
          targetId: actor.id,
          actionType: AuditLogEvent.AUTO_MODERATION_BLOCK_MESSAGE,
          options: { channel_id: channel.id, auto_moderation_rule_name: rule.name, auto_moderation_rule_trigger_type: String(rule.trigger_type) },
          reason: null,
        });
      }
    }
    if (blocked) throw new DomainError('AutoModerationBlocked', blocked.message ?? 'Message was blocked by automatic moderation');
  }

  private match(rule: AutoModRuleRecord, content: string, budget: { steps: number }): AutoModMatch | null {
    const compiled = this.compiled.get(rule.id);
    if (!compiled) return null;
    const result = matchRule(rule, compiled, content, budget);
    if (result === 'budget') {
      this.patternBudgetExhausted++;
      return null;
    }
    return result;
  }

  /** Posts Discord's AUTO_MODERATION_ACTION system message (type 24) into the alert channel. */
  private async alert(g: GuildState, rule: AutoModRuleRecord, match: AutoModMatch, actor: UserRecord, channel: ChannelRecord, content: string, alertChannelId: string | undefined): Promise<void> {
    const target = alertChannelId ? g.channels.get(alertChannelId) : undefined;
    if (!target) return;
    const record = newMessageRecord({
      id: this.ctx.ids.next(),
      channel_id: target.id,
      guild_id: g.id,
      author_id: actor.id,
      type: AUTO_MODERATION_ACTION_MESSAGE,
      embeds: [
        {
          type: 'auto_moderation_message',
          description: content,
          fields: [
            { name: 'rule_name', value: rule.name, inline: false },
            { name: 'channel_id', value: channel.id, inline: false },
            ...(match.keyword ? [{ name: 'keyword', value: match.keyword, inline: false }] : []),
            ...(match.matchedContent ? [{ name: 'keyword_matched_content', value: match.matchedContent, inline: false }] : []),
          ],
        },
      ],
    });
    await this.messages.persistAndAnnounce(record, target, [], null);
    this.audit.recordInBackground({ guildId: g.id, userId: actor.id, targetId: actor.id, actionType: AuditLogEvent.AUTO_MODERATION_FLAG_TO_CHANNEL, options: { channel_id: channel.id, auto_moderation_rule_name: rule.name, auto_moderation_rule_trigger_type: String(rule.trigger_type) }, reason: null });
  }

  /** Times the author out (communication_disabled_until), as a moderator's PATCH would. */
  private async timeout(g: GuildState, rule: AutoModRuleRecord, actor: UserRecord, seconds: number): Promise<void> {
    const member = g.members.get(actor.id);
    if (!member || g.guild.owner_id === actor.id) return;
    const next = { ...member, communication_disabled_until: Date.now() + seconds * 1000 };
    await this.ctx.meta.upsertMember(next);
    g.members.set(actor.id, next);
    this.ctx.bus.publish({ kind: 'access', userIds: [actor.id] });
    dispatch(this.ctx, `g:${g.id}`, 'GUILD_MEMBER_UPDATE', { ...memberToAPI(next, actor), guild_id: g.id });
    this.audit.recordInBackground({
      guildId: g.id,
      userId: actor.id,
      targetId: actor.id,
      actionType: AuditLogEvent.AUTO_MODERATION_USER_COMMUNICATION_DISABLED,
      options: { auto_moderation_rule_name: rule.name, auto_moderation_rule_trigger_type: String(rule.trigger_type) },
      changes: [{ key: 'communication_disabled_until', new_value: new Date(next.communication_disabled_until).toISOString() }],
      reason: null,
    });
  }
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
