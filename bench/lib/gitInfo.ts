// Which code a bench measured: the commit, and whether the server/protocol sources had local changes.
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './ServerProcess.ts';

export function gitInfo(): { commit: string | null; dirty_server_or_protocol: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/server', 'packages/protocol'], { cwd: REPO_ROOT }).toString().trim() !== '';
    return { commit, dirty_server_or_protocol: dirty };
  } catch {
    return { commit: null, dirty_server_or_protocol: null };
  }
}
