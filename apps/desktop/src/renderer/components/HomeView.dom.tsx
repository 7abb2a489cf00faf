// Home without a DM open: everyone the user shares a server with, online first, each with a
// "Message" button (Concord has no friend requests; sharing a server is enough to DM).
import { useMemo, useState } from 'react';
import { useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { openDM } from '../net/actions.ts';
import { Avatar } from './Avatar.dom.tsx';
import { ChatIcon, MembersIcon } from './Icons.dom.tsx';
import { activityText } from './MemberList.dom.tsx';

export function HomeView() {
  const users = useMemberStore((s) => s.users);
  const members = useMemberStore((s) => s.members);
  const presences = useMemberStore((s) => s.presences);
  const selfId = useSessionStore((s) => s.user?.id);
  const [filter, setFilter] = useState<'online' | 'all'>('online');
  const people = useMemo(() => {
    const ids = new Set<string>();
    for (const g of Object.values(members)) for (const id of Object.keys(g)) ids.add(id);
    ids.delete(selfId ?? '');
    const list = [...ids].map((id) => users[id]).filter((u): u is NonNullable<typeof u> => !!u && !u.bot);
    const online = (id: string) => (presences[id]?.status ?? 'offline') !== 'offline';
    return list
      .filter((u) => filter === 'all' || online(u.id))
      .sort((a, b) => Number(online(b.id)) - Number(online(a.id)) || (a.global_name ?? a.username).localeCompare(b.global_name ?? b.username));
  }, [users, members, presences, selfId, filter]);

  return (
    <main className="chat home-view" data-testid="home-view">
      <div className="chat-header">
        <span className="title">
          <span className="icon">
            <MembersIcon />
          </span>
          People
        </span>
        <span className="divider" />
        <button className={`pill-filter ${filter === 'online' ? 'selected' : ''}`} onClick={() => setFilter('online')}>
          Online
        </button>
        <button className={`pill-filter ${filter === 'all' ? 'selected' : ''}`} onClick={() => setFilter('all')}>
          All
        </button>
        <button className="pill-filter primary" onClick={() => useUiStore.getState().openModal({ kind: 'createDM' })}>
          New Message
        </button>
      </div>
      <div className="home-list">
        <h3 style={{ fontSize: 12, textTransform: 'uppercase', color: 'var(--text-muted)', margin: '8px 10px 12px' }}>
          {filter === 'online' ? 'Online' : 'All'} — {people.length}
        </h3>
        {people.map((u) => {
          const name = u.global_name || u.username;
          const p = presences[u.id];
          return (
            <div key={u.id} className="home-row" onClick={() => void openDM(u.id)} data-testid="person-row">
              <Avatar id={u.id} name={name} size={32} status={p?.status ?? 'offline'} />
              <div>
                <div className="hname">{name}</div>
                <div className="hsub">{activityText(p?.activities) ?? p?.status ?? 'Offline'}</div>
              </div>
              <div className="hactions">
                <button aria-label={`Message ${name}`} title="Message">
                  <ChatIcon size={20} />
                </button>
              </div>
            </div>
          );
        })}
        {people.length === 0 ? (
          <div className="empty-state">
            <h2>No one around</h2>
            <div>Join a server to meet people, then message them from here.</div>
          </div>
        ) : null}
      </div>
    </main>
  );
}
