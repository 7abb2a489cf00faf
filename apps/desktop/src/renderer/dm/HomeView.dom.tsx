// Home without a DM open: the People page, as Discord's Friends view. Tabs Online / All / Pending /
// Blocked list the relationships from the relationship store; "Add Friend" sends a request by
// username. Every change arrives back as a RELATIONSHIP_* event, so the rows follow the server.
import { useMemo, useState, type SubmitEvent } from 'react';
import { RelationshipType, type APIRelationship } from '@concord/protocol';
import { useMemberStore } from '../state/memberStore.ts';
import { useRelationshipStore } from './relationshipStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { errorText, openDM } from '../session/actions.ts';
import { acceptFriend, blockUser, removeRelationship, sendFriendRequest } from './relationships.ts';
import { parseFriendTag, peopleForTab, pendingIncomingCount, type PeopleTab } from './people.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { ChatIcon, CheckIcon, CloseIcon, MembersIcon } from '../ui/Icons.dom.tsx';
import { activityText } from '../guild/MemberList.dom.tsx';

const TABS: { tab: Exclude<PeopleTab, 'add'>; label: string }[] = [
  { tab: 'online', label: 'Online' },
  { tab: 'all', label: 'All' },
  { tab: 'pending', label: 'Pending' },
  { tab: 'blocked', label: 'Blocked' },
];

const HEADINGS: Record<Exclude<PeopleTab, 'add'>, string> = { online: 'Online', all: 'All friends', pending: 'Pending', blocked: 'Blocked' };

const EMPTY_TEXT: Record<Exclude<PeopleTab, 'add'>, string> = {
  online: 'No one\'s around right now. Friends who are online show up here.',
  all: 'No friends yet. Add a friend by their username.',
  pending: 'There are no pending friend requests.',
  blocked: 'You haven\'t blocked anyone.',
};

/** Runs a relationship action; a failure becomes a toast rather than an unhandled rejection. */
function run(action: Promise<unknown>, what: string): void {
  action.catch((err: unknown) => useUiStore.getState().showToast(`${what} failed: ${errorText(err)}`));
}

export function HomeView() {
  const byUserId = useRelationshipStore((s) => s.byUserId);
  const presences = useMemberStore((s) => s.presences);
  const [tab, setTab] = useState<PeopleTab>('online');
  const relationships = useMemo(() => Object.values(byUserId), [byUserId]);
  const rows = useMemo(() => peopleForTab(tab, relationships, (id) => presences[id]?.status), [tab, relationships, presences]);
  const incoming = pendingIncomingCount(relationships);

  return (
    <main className="chat home-view" data-testid="home-view">
      <div className="chat-header">
        <span className="title">
          <span className="icon">
            <MembersIcon />
          </span>
          Friends
        </span>
        <span className="divider" />
        {TABS.map(({ tab: t, label }) => (
          <button key={t} className={`pill-filter ${tab === t ? 'selected' : ''}`} onClick={() => setTab(t)} data-testid={`people-tab-${t}`}>
            {label}
            {t === 'pending' && incoming > 0 ? (
              <span className="badge people-badge" data-testid="pending-badge">
                {incoming}
              </span>
            ) : null}
          </button>
        ))}
        <button className={`pill-filter add-friend-tab ${tab === 'add' ? 'selected' : 'primary'}`} onClick={() => setTab('add')} data-testid="people-tab-add">
          Add Friend
        </button>
        <button className="pill-filter people-new-message" onClick={() => useUiStore.getState().openModal({ kind: 'createDM' })}>
          New Message
        </button>
      </div>
      {tab === 'add' ? (
        <AddFriend />
      ) : (
        <div className="home-list">
          <h3 className="people-heading">
            {HEADINGS[tab]} — {rows.length}
          </h3>
          {rows.map((r) => (
            <PersonRow key={r.id} relationship={r} />
          ))}
          {rows.length === 0 ? (
            <div className="empty-state" data-testid="people-empty">
              <div>{EMPTY_TEXT[tab]}</div>
            </div>
          ) : null}
        </div>
      )}
    </main>
  );
}

function PersonRow({ relationship: r }: { relationship: APIRelationship }) {
  const presence = useMemberStore((s) => s.presences[r.id]);
  const name = r.nickname ?? r.user.global_name ?? r.user.username;
  const isFriend = r.type === RelationshipType.FRIEND;
  const sub =
    r.type === RelationshipType.PENDING_INCOMING
      ? 'Incoming Friend Request'
      : r.type === RelationshipType.PENDING_OUTGOING
        ? 'Outgoing Friend Request'
        : r.type === RelationshipType.BLOCKED
          ? 'Blocked'
          : (activityText(presence?.activities) ?? presence?.status ?? 'Offline');
  return (
    <div className="home-row" onClick={isFriend ? () => run(openDM(r.id), 'Opening the DM') : undefined} data-testid="person-row" data-user-id={r.id} data-relationship={r.type}>
      <Avatar id={r.id} name={name} size={32} status={isFriend ? (presence?.status ?? 'offline') : null} />
      <div>
        <div className="hname">
          {name} <span className="people-username">{r.user.username}</span>
        </div>
        <div className="hsub">{sub}</div>
      </div>
      <div className="hactions" onClick={(e) => e.stopPropagation()}>
        {isFriend ? (
          <>
            <button aria-label={`Message ${name}`} title="Message" onClick={() => run(openDM(r.id), 'Opening the DM')}>
              <ChatIcon size={20} />
            </button>
            <button aria-label={`Block ${name}`} title="Block" className="people-text-action" onClick={() => run(blockUser(r.id), 'Blocking')}>
              Block
            </button>
            <button aria-label={`Remove ${name}`} title="Remove Friend" className="danger" onClick={() => run(removeRelationship(r.id), 'Removing the friend')}>
              <CloseIcon size={20} />
            </button>
          </>
        ) : null}
        {r.type === RelationshipType.PENDING_INCOMING ? (
          <>
            <button aria-label={`Accept ${name}`} title="Accept" className="accept" onClick={() => run(acceptFriend(r.id), 'Accepting')}>
              <CheckIcon size={20} />
            </button>
            <button aria-label={`Ignore ${name}`} title="Ignore" className="danger" onClick={() => run(removeRelationship(r.id), 'Ignoring')}>
              <CloseIcon size={20} />
            </button>
          </>
        ) : null}
        {r.type === RelationshipType.PENDING_OUTGOING ? (
          <button aria-label={`Cancel request to ${name}`} title="Cancel" className="danger" onClick={() => run(removeRelationship(r.id), 'Cancelling')}>
            <CloseIcon size={20} />
          </button>
        ) : null}
        {r.type === RelationshipType.BLOCKED ? (
          <button aria-label={`Unblock ${name}`} title="Unblock" className="people-text-action" onClick={() => run(removeRelationship(r.id), 'Unblocking')}>
            Unblock
          </button>
        ) : null}
      </div>
    </div>
  );
}

function AddFriend() {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy || !parseFriendTag(value)) return;
    setBusy(true);
    const outcome = await sendFriendRequest(value);
    setBusy(false);
    setResult(outcome);
    if (outcome.ok) setValue('');
  };
  return (
    <div className="add-friend" data-testid="add-friend">
      <h2>Add Friend</h2>
      <div className="add-friend-lead">You can add friends with their Concord username.</div>
      <form className={`add-friend-form ${result ? (result.ok ? 'ok' : 'error') : ''}`} onSubmit={(e) => void submit(e)}>
        <input
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setResult(null);
          }}
          placeholder="You can add friends with their Concord username."
          aria-label="Username"
          maxLength={37}
          autoFocus
          data-testid="add-friend-input"
        />
        <button type="submit" className="btn" disabled={busy || !parseFriendTag(value)} data-testid="add-friend-submit">
          Send Friend Request
        </button>
      </form>
      {result ? (
        <div className={`add-friend-result ${result.ok ? 'ok' : 'error'}`} role="status" data-testid="add-friend-result">
          {result.text}
        </div>
      ) : null}
    </div>
  );
}
