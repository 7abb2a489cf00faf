// Activities a client reports in IDENTIFY's presence and op 3 PRESENCE_UPDATE, and the part of them
// other members see. Fields and lengths are Discord's activity object
// (https://discord.com/developers/docs/events/gateway-events#activity-object): unknown keys are
// stripped, secrets never leave the server, buttons reach others as labels (their URLs in
// metadata.button_urls), and a bot's activity keeps only name, state, type and url, as Discord
// documents ("Bot users are only able to set name, state, type, and url").
import { z } from 'zod';
import { snowflakeSchema, webUrlSchema } from './fieldSchemas.ts';
import type { APIActivity } from './types.ts';

export const ActivityType = { PLAYING: 0, STREAMING: 1, LISTENING: 2, WATCHING: 3, CUSTOM: 4, COMPETING: 5, HANG: 6 } as const;

const text = (max: number) => z.string().max(max);
const timestampMs = z.number().int().min(0).max(8_640_000_000_000_000);

export const ActivitySchema = z.object({
  name: z.string().min(1).max(128),
  type: z.number().int().min(0).max(6),
  /** Only a stream (type 1) has a url; it is dropped from every other type. */
  url: webUrlSchema(512).nullable().optional(),
  created_at: timestampMs.optional(),
  timestamps: z.object({ start: timestampMs.optional(), end: timestampMs.optional() }).optional(),
  application_id: snowflakeSchema.optional(),
  details: text(128).nullable().optional(),
  state: text(128).nullable().optional(),
  emoji: z.object({ name: z.string().min(1).max(64), id: snowflakeSchema.optional(), animated: z.boolean().optional() }).nullable().optional(),
  party: z.object({ id: text(128).optional(), size: z.tuple([z.number().int().min(0).max(1_000_000), z.number().int().min(0).max(1_000_000)]).optional() }).optional(),
  assets: z.object({ large_image: text(256).optional(), large_text: text(128).optional(), small_image: text(256).optional(), small_text: text(128).optional() }).optional(),
  secrets: z.object({ join: text(128).optional(), spectate: text(128).optional(), match: text(128).optional() }).optional(),
  instance: z.boolean().optional(),
  flags: z.number().int().min(0).max(0xffff).optional(),
  buttons: z.array(z.object({ label: z.string().min(1).max(32), url: webUrlSchema(512) })).max(2).optional(),
});
export type ActivityInput = z.infer<typeof ActivitySchema>;

/** The activity as others see it: rebuilt field by field from the parsed input, never spread. */
export function publicActivity(a: ActivityInput, sentByBot: boolean): APIActivity {
  const out: APIActivity = { name: a.name, type: a.type };
  if (a.type === ActivityType.STREAMING && a.url) out.url = a.url;
  if (a.state != null) out.state = a.state;
  if (a.created_at !== undefined) out.created_at = a.created_at;
  if (sentByBot) return out;
  if (a.details != null) out.details = a.details;
  if (a.timestamps) out.timestamps = { ...(a.timestamps.start !== undefined ? { start: a.timestamps.start } : {}), ...(a.timestamps.end !== undefined ? { end: a.timestamps.end } : {}) };
  if (a.application_id !== undefined) out.application_id = a.application_id;
  if (a.emoji) out.emoji = { name: a.emoji.name, ...(a.emoji.id !== undefined ? { id: a.emoji.id } : {}), ...(a.emoji.animated !== undefined ? { animated: a.emoji.animated } : {}) };
  if (a.party) out.party = { ...(a.party.id !== undefined ? { id: a.party.id } : {}), ...(a.party.size ? { size: a.party.size } : {}) };
  if (a.assets) {
    const assets: NonNullable<APIActivity['assets']> = {};
    for (const key of ['large_image', 'large_text', 'small_image', 'small_text'] as const) {
      const v = a.assets[key];
      if (v !== undefined) assets[key] = v;
    }
    out.assets = assets;
  }
  if (a.instance !== undefined) out.instance = a.instance;
  if (a.flags !== undefined) out.flags = a.flags;
  if (a.buttons?.length) {
    out.buttons = a.buttons.map((b) => b.label);
    out.metadata = { button_urls: a.buttons.map((b) => b.url) };
  }
  return out;
}

/** The activities of a presence as others see them (secrets dropped; a bot's reduced to name, state, type, url). */
export function publicActivities(activities: readonly ActivityInput[] | null | undefined, sentByBot: boolean): APIActivity[] {
  return (activities ?? []).map((a) => publicActivity(a, sentByBot));
}
