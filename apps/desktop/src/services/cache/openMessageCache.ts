// Opens the message cache for the main process. The cache is disposable (the server holds the
// truth), so a file we cannot use (written by a newer build, or not a database at all) is logged
// and replaced by an empty one instead of keeping the app from starting. Any other error is real
// (disk full, permissions) and propagates.
import { MessageCache, removeDatabaseFiles, type MessageCacheOptions } from './MessageCache.ts';
import { CacheSchemaTooNewError } from './messageCacheMigrations.ts';

const UNUSABLE_FILE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

export function openMessageCacheOrReset(options: MessageCacheOptions, warn: (message: string) => void): MessageCache {
  try {
    return new MessageCache(options);
  } catch (error) {
    if (!isUnusableCacheFile(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    warn(`message cache ${options.filePath} is unusable (${reason}); replacing it with an empty cache`);
    removeDatabaseFiles(options.filePath);
    return new MessageCache(options);
  }
}

function isUnusableCacheFile(error: unknown): boolean {
  if (error instanceof CacheSchemaTooNewError) return true;
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && UNUSABLE_FILE_CODES.has(error.code);
}
