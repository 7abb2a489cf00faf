// Time buckets of a channel's messages: a message lives in the partition (channel_id, bucket) where
// bucket is the 10-day window of its snowflake's timestamp, as Discord partitions its messages, so
// no partition grows without bound however long a channel lives.

/** 10 days in milliseconds (Discord's window): a busy channel's bucket stays well under 100 MB. */
export const BUCKET_WINDOW_MS = 10n * 24n * 60n * 60n * 1000n;

/** The bucket of a message id (or any snowflake): its timestamp bits divided into 10-day windows. */
export function bucketOf(id: bigint): number {
  return Number((id >> 22n) / BUCKET_WINDOW_MS);
}

/**
 * The clustering key of a reaction's user: numeric ids left-padded to 20 digits so that text order
 * is numeric order (Discord pages reaction users by id with `after`); other ids as they are.
 */
export function reactionUserKey(userId: string): string {
  return /^\d{1,20}$/.test(userId) ? userId.padStart(20, '0') : userId;
}
