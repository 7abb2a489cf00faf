// The member list: online members grouped under their highest hoisted role, then the other
// online members, then offline members; each with presence dot and activity ("Playing X").
import { memo, useMemo } from 'react';
import type { APIActivity, APIChannel } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { sortRoles } from '../state/permissions.ts';
import { roleColor } from '../ui/avatar.ts';
import { openDM } from '../session/actions.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { CrownIcon } from '../ui/Icons.dom.tsx';

const ACTIVITY_VERB: Record<number, string> = { 0: 'Playing', 1: 'Streaming', 2: 'Listening to', 3: 'Watching', 5: 'Competing in' };

export function activityText(activities: APIActivity[] | undefined): string | null {
  const a = activities?.find((x) => x.type !== 4) ?? activities?.[0];
  if (!a) return null;
  if (a.type === 4) return a.state ?? null;
  return `${ACTIVITY_VERB[a.type] ?? 'Playing'} ${a.name}`;
}

interface Entry {
  id: string;
  name: string;
  color: string | undefined;
  status: string;
  activity: string | null;
  owner: boolean;
}

const MAX_RENDERED = 400;

export function MemberList({ channel }: { channel: APIChannel }) {
  const guildId = channel.guild_id;
  const guild = useGuildStore((s) => (guildId ? s.guilds[guildId] : undefined));
  const members = useMemberStore((s) => (guildId ? s.members[guildId] : undefined));
  const users = useMemberStore((s) => s.users);
  const presences = useMemberStore((s) => s.presences);
  const selfId = useSessionStore((s) => s.user?.id);
  const selfStatus = useSessionStore((s) => s.selfStatus);

  const groups = useMemo(() => {
    const roles = sortRoles(guild?.roles ?? []);
    const hoisted = roles.filter((r) => r.hoist && r.id !== guild?.id);
    const buckets = new Map<string, Entry[]>();
    const online: Entry[] = [];
    const offline: Entry[] = [];
    const source: { id: string; roles: string[]; nick: string | null }[] = guildId
      ? Object.values(members ?? {}).map((m) => ({ id: m.userId, roles: m.roles, nick: m.nick }))
      : [...(channel.recipients ?? []).map((r) => ({ id: r.id, roles: [], nick: null })), ...(selfId ? [{ id: selfId, roles: [], nick: null }] : [])];
    for (const m of source) {
      const user = users[m.id];
      const status = m.id === selfId ? (selfStatus === 'invisible' ? 'offline' : selfStatus) : (presences[m.id]?.status ?? 'offline');
      const colored = roles.find((r) => m.roles.includes(r.id) && r.color !== 0);
      const entry: Entry = {
        id: m.id,
        name: displayName(user, { nick: m.nick }),
        color: colored ? roleColor(colored.color) : undefined,
        status,
        activity: activityText(presences[m.id]?.activities),
        owner: guild?.owner_id === m.id,
      };
      if (status === 'offline' || status === 'invisible') {
        offline.push(entry);
        continue;
      }
      const group = hoisted.find((r) => m.roles.includes(r.id));
      if (group) buckets.set(group.id, [...(buckets.get(group.id) ?? []), entry]);
      else online.push(entry);
    }
    const byName = (a: Entry, b: Entry) => a.name.localeCompare(b.name);
    const out: { key: string; title: string; entries: Entry[] }[] = [];
    for (const r of hoisted) {
      const list = buckets.get(r.id);
      if (list?.length) out.push({ key: r.id, title: r.name, entries: list.sort(byName) });
    }
    if (online.length) out.push({ key: 'online', title: 'Online', entries: online.sort(byName) });
    if (offline.length) out.push({ key: 'offline', title: 'Offline', entries: offline.sort(byName) });
    return out;
  }, [guild, guildId, members, users, presences, selfId, selfStatus, channel.recipients]);

  let rendered = 0;
  return (
    <aside className="members thin-scroll" aria-label="Members" data-testid="member-list">
      {groups.map((g) => {
        const take = Math.max(0, Math.min(g.entries.length, MAX_RENDERED - rendered));
        rendered += take;
        if (take === 0) return null;
        return (
          <section key={g.key} data-testid="member-group" data-group={g.title}>
            <h3>
              {g.title} — {g.entries.length}
            </h3>
            {g.entries.slice(0, take).map((e) => (
              <MemberRow key={e.id} entry={e} self={e.id === selfId} />
            ))}
          </section>
        );
      })}
    </aside>
  );
}

const MemberRow = memo(function MemberRow({ entry, self }: { entry: Entry; self: boolean }) {
  const offline = entry.status === 'offline';
  return (
    <div
      className={`member ${offline ? 'offline' : ''}`}
      data-testid="member"
      data-user-id={entry.id}
      data-status={entry.status}
      onClick={() => (self ? undefined : void openDM(entry.id))}
      onContextMenu={(e) => {
        if (self) return;
        e.preventDefault();
        useUiStore.getState().setContextMenu({ kind: 'user', x: e.clientX, y: e.clientY, userId: entry.id });
      }}
      title={self ? entry.name : `Message ${entry.name}`}
    >
      <Avatar id={entry.id} name={entry.name} size={32} status={entry.status === 'offline' ? null : (entry.status as 'online')} />
      <div className="minfo">
        <div className="mname" style={entry.color ? { color: entry.color } : undefined}>
          <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{entry.name}</span>
          {entry.owner ? (
            <span className="owner-crown" title="Server Owner">
              <CrownIcon size={14} />
            </span>
          ) : null}
        </div>
        {entry.activity && !offline ? <div className="mactivity" data-testid="member-activity">{entry.activity}</div> : null}
      </div>
    </div>
  );
});
