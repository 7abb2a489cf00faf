// Storage records of the bot platform: applications, their commands, webhooks, audit log entries
// and auto moderation rules. Like records.ts these are not API shapes (domain code serializes).

export interface ApplicationRecord {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  icon: string | null;
  /** The bot user's id, once POST /applications/:id/bot created it. */
  bot_user_id: string | null;
  flags: number;
  bot_public: boolean;
  bot_require_code_grant: boolean;
  interactions_endpoint_url: string | null;
  /** Hex public key, as Discord gives every application (we never sign with it). */
  verify_key: string;
  tags: string[];
  install_params: { scopes: string[]; permissions: string } | null;
  created_at: number;
}

/** The parts of an application command that are not its identity; stored as one JSON column. */
export interface CommandDefinition {
  name_localizations: Record<string, string> | null;
  description: string;
  description_localizations: Record<string, string> | null;
  options: unknown[];
  /** Decimal string, or null for "everyone". */
  default_member_permissions: string | null;
  dm_permission: boolean;
  nsfw: boolean;
  contexts: number[] | null;
  integration_types: number[];
}

export interface CommandRecord extends CommandDefinition {
  id: string;
  application_id: string;
  guild_id: string | null;
  name: string;
  type: number;
  version: string;
}

export interface WebhookRecord {
  id: string;
  type: number;
  guild_id: string;
  channel_id: string;
  creator_id: string | null;
  name: string;
  avatar: string | null;
  token: string | null;
  application_id: string | null;
}

export interface AuditLogEntryRecord {
  id: string;
  guild_id: string;
  user_id: string | null;
  target_id: string | null;
  action_type: number;
  changes: { key: string; old_value?: unknown; new_value?: unknown }[];
  options: Record<string, string> | null;
  reason: string | null;
}

export interface AutoModRuleRecord {
  id: string;
  guild_id: string;
  name: string;
  creator_id: string;
  event_type: number;
  trigger_type: number;
  trigger_metadata: {
    keyword_filter?: string[];
    regex_patterns?: string[];
    presets?: number[];
    allow_list?: string[];
    mention_total_limit?: number;
    mention_raid_protection_enabled?: boolean;
  };
  actions: { type: number; metadata?: { custom_message?: string; channel_id?: string; duration_seconds?: number } }[];
  enabled: boolean;
  exempt_roles: string[];
  exempt_channels: string[];
}
