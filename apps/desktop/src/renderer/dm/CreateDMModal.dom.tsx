// Select people you share a server with: one opens a DM, several a group DM (up to 9 others).
import { useMemo, useState } from 'react';
import { useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { errorText, openDM, openGroupDM } from '../session/actions.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { Modal } from '../ui/Modal.dom.tsx';

const MAX_GROUP = 9;

export function CreateDMModal() {
  const users = useMemberStore((s) => s.users);
  const members = useMemberStore((s) => s.members);
  const selfId = useSessionStore((s) => s.user?.id);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const people = useMemo(() => {
    const ids = new Set<string>();
    for (const g of Object.values(members)) for (const id of Object.keys(g)) ids.add(id);
    ids.delete(selfId ?? '');
    const q = query.toLowerCase();
    return [...ids]
      .map((id) => users[id])
      .filter((u): u is NonNullable<typeof u> => !!u && !u.bot && (!q || u.username.toLowerCase().includes(q) || (u.global_name ?? '').toLowerCase().includes(q)))
      .sort((a, b) => a.username.localeCompare(b.username));
  }, [users, members, selfId, query]);

  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length >= MAX_GROUP ? p : [...p, id]));
  const create = async () => {
    try {
      if (picked.length === 1) await openDM(picked[0]!);
      else await openGroupDM(picked);
      useUiStore.getState().closeModal();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Modal
      title="Select Friends"
      subtitle={`You can add ${MAX_GROUP - picked.length} more.`}
      align="left"
      testId="create-dm-modal"
      footer={
        <button className="btn block" disabled={picked.length === 0} onClick={() => void create()} data-testid="create-dm-submit">
          {picked.length > 1 ? 'Create Group DM' : 'Create DM'}
        </button>
      }
    >
      <input className="input" placeholder="Type the username of a friend" value={query} autoFocus onChange={(e) => setQuery(e.target.value)} style={{ marginBottom: 12 }} />
      <div style={{ maxHeight: 300, overflowY: 'auto' }}>
        {people.map((u) => {
          const name = u.global_name || u.username;
          return (
            <label key={u.id} className="user-pick" data-testid="dm-candidate">
              <Avatar id={u.id} name={name} size={32} />
              <span>
                <div style={{ fontWeight: 500 }}>{name}</div>
                <div style={{ fontSize: 12, color: 'var(--text-muted)' }}>{u.username}</div>
              </span>
              <input type="checkbox" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
            </label>
          );
        })}
        {people.length === 0 ? <div style={{ color: 'var(--text-muted)', padding: 16, textAlign: 'center' }}>No one found. You can message people you share a server with.</div> : null}
      </div>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}
