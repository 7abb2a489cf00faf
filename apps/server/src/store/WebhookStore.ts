// Port for channel webhooks (incoming and channel-follower).
import type { WebhookRecord } from './botRecords.ts';

export interface WebhookStore {
  listWebhooks(): Promise<WebhookRecord[]>;
  upsertWebhook(webhook: WebhookRecord): Promise<void>;
  deleteWebhook(webhookId: string): Promise<void>;
}
