// Server settings: overview (name, description, the vanity URL), roles (display and a permission editor),
// members (roles, kick, ban), bans and invites.
import { useEffect, useMemo, useState } from 'react';
import { PermissionFlags, type APIBan, type APIInvite, type APIRole } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore, type GuildSettingsTab } from '../state/uiStore.ts';
import { useGuildPermissions } from '../state/selectors.ts';
import { has, sortRoles, toPermissionContext } from '../state/permissions.ts';
import { roleColor } from '../ui/avatar.ts';
import { PERMISSION_GROUPS, flagOf } from './permissionLabels.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { canManageMember, canManageRole } from '@concord/protocol';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { CloseIcon, PlusIcon } from '../ui/Icons.dom.tsx';
import { SaveBar, SettingsLayout, Switch, SwitchRow } from '../ui/SettingsLayout.dom.tsx';
import { inviteUrl } from './InviteModal.dom.tsx';
import { formatTimestamp } from '../ui/format.ts';
import { GuildEmojiSettings } from '../emoji/GuildEmojiSettings.dom.tsx';
import { GuildStickerSettings } from '../emoji/GuildStickerSettings.dom.tsx';
import { BoostStatus } from '../premium/BoostStatus.dom.tsx';
import { VanityUrlSettings } from '../premium/VanityUrlSettings.dom.tsx';

const ROLE_COLORS = [0x1abc9c, 0x2ecc71, 0x3498db, 0x9b59b6, 0xe91e63, 0xf1c40f, 0xe67e22, 0xe74c3c, 0x95a5a6, 0x607d8b, 0x11806a, 0x1f8b4c, 0x206694, 0x71368a, 0xad1457, 0xc27c0e, 0xa84300, 0x992d22, 0x979c9f, 0x546e7a];

function toast(text: string) {
  useUiStore.getState().showToast(text);
}

export function GuildSettings({ guildId, tab }: { guildId: string; tab: GuildSettingsTab }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const perms = useGuildPermissions(guildId);
  const selfId = useSessionStore((s) => s.user?.id);
  if (!guild) return null;
  const setTab = (t: GuildSettingsTab) => useUiStore.getState().openModal({ kind: 'guildSettings', guildId, tab: t });
  const ui = useUiStore.getState();
  return (
    <SettingsLayout<GuildSettingsTab | 'delete'>
      heading={guild.name}
      testId="guild-settings"
      selected={tab}
      onSelect={(t) => t !== 'delete' && setTab(t)}
      sections={[
        { id: 'overview', label: 'Overview' },
        { id: 'roles', label: 'Roles' },
        { id: 'emoji', label: 'Emoji' },
        { id: 'stickers', label: 'Stickers' },
        { id: 'boosts', label: 'Server Boost Status' },
        { title: 'User Management' },
        { id: 'members', label: 'Members' },
        { id: 'invites', label: 'Invites' },
        { id: 'bans', label: 'Bans' },
        'separator',
        ...(guild.owner_id === selfId
          ? [{
              id: 'delete' as const,
              label: 'Delete Server',
              danger: true,
              onClick: () =>
                ui.openModal({
                  kind: 'confirm',
                  title: `Delete '${guild.name}'`,
                  body: `Are you sure you want to delete ${guild.name}? This action cannot be undone.`,
                  confirmLabel: 'Delete Server',
                  danger: true,
                  onConfirm: () => void getSession().api.deleteGuild(guildId).catch((e: unknown) => toast(errorText(e))),
                }),
            }]
          : []),
      ]}
    >
      {tab === 'overview' ? <Overview guildId={guildId} canEdit={has(perms, PermissionFlags.MANAGE_GUILD)} /> : null}
      {tab === 'roles' ? <Roles guildId={guildId} canEdit={has(perms, PermissionFlags.MANAGE_ROLES)} /> : null}
      {tab === 'emoji' ? <GuildEmojiSettings guildId={guildId} /> : null}
      {tab === 'stickers' ? <GuildStickerSettings guildId={guildId} /> : null}
      {tab === 'boosts' ? <BoostStatus guildId={guildId} /> : null}
      {tab === 'members' ? <Members guildId={guildId} /> : null}
      {tab === 'bans' ? <Bans guildId={guildId} /> : null}
      {tab === 'invites' ? <Invites guildId={guildId} /> : null}
    </SettingsLayout>
  );
}

function Overview({ guildId, canEdit }: { guildId: string; canEdit: boolean }) {
  const guild = useGuildStore((s) => s.guilds[guildId])!;
  const [name, setName] = useState(guild.name);
  const [description, setDescription] = useState(guild.description ?? '');
  const [busy, setBusy] = useState(false);
  const dirty = name !== guild.name || description !== (guild.description ?? '');
  const save = async () => {
    setBusy(true);
    try {
      const updated = await getSession().api.modifyGuild(guildId, { name, description: description || null });
      useGuildStore.getState().updateGuild(updated);
      toast('Server updated');
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>Server Overview</h2>
      <div className="field">
        <label htmlFor="gs-name">Server name</label>
        <input id="gs-name" className="input" value={name} disabled={!canEdit} onChange={(e) => setName(e.target.value)} data-testid="guild-settings-name" />
      </div>
      <div className="field">
        <label htmlFor="gs-desc">Description</label>
        <textarea id="gs-desc" className="input" value={description} disabled={!canEdit} onChange={(e) => setDescription(e.target.value)} maxLength={120} />
        <div className="hint">What is this server about? Shown in invites.</div>
      </div>
      <div className="kv card">
        <span className="k">Members</span>
        <span className="v">{guild.member_count}</span>
      </div>
      <VanityUrlSettings guildId={guildId} canEdit={canEdit} />
      {dirty && canEdit ? <SaveBar busy={busy} onSave={() => void save()} onReset={() => { setName(guild.name); setDescription(guild.description ?? ''); }} /> : null}
    </>
  );
}

function Roles({ guildId, canEdit }: { guildId: string; canEdit: boolean }) {
  const guild = useGuildStore((s) => s.guilds[guildId])!;
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const selfMember = useMemberStore((s) => s.members[guildId]?.[selfId]);
  const roles = useMemo(() => sortRoles(guild.roles), [guild.roles]);
  const [selectedId, setSelectedId] = useState<string>(roles.find((r) => r.id !== guildId)?.id ?? guildId);
  const role = roles.find((r) => r.id === selectedId) ?? roles[0];
  const ctx = toPermissionContext(guild, selfId, selfMember);

  const createRole = async () => {
    try {
      const created = await getSession().api.createRole(guildId, { name: 'new role', color: 0, permissions: guild.roles.find((r) => r.id === guildId)?.permissions ?? '0' });
      useGuildStore.getState().upsertRole(guildId, created);
      setSelectedId(created.id);
    } catch (err) {
      toast(errorText(err));
    }
  };

  return (
    <>
      <h2>Roles</h2>
      <p style={{ color: 'var(--text-muted)', marginTop: -8 }}>Use roles to group your server members and assign permissions.</p>
      <div className="roles-layout" data-testid="roles-editor">
        <div className="role-list">
          {canEdit ? (
            <button className="btn small" style={{ marginBottom: 8 }} onClick={() => void createRole()} data-testid="create-role">
              <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
                <PlusIcon size={16} /> Create Role
              </span>
            </button>
          ) : null}
          {roles.map((r) => (
            <button key={r.id} className={`ritem ${r.id === role?.id ? 'selected' : ''}`} onClick={() => setSelectedId(r.id)} data-testid="role-item" data-role-name={r.name}>
              <span className="role-dot" style={{ background: roleColor(r.color) ?? '#99aab5' }} />
              <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{r.name}</span>
            </button>
          ))}
        </div>
        {role ? (
          <RoleEditor
            key={role.id}
            guildId={guildId}
            role={role}
            canEdit={canEdit && (role.id === guildId || canManageRole(ctx, { id: role.id, position: role.position, permissions: 0n }))}
          />
        ) : null}
      </div>
    </>
  );
}

function RoleEditor({ guildId, role, canEdit }: { guildId: string; role: APIRole; canEdit: boolean }) {
  const isEveryone = role.id === guildId;
  const [tab, setTab] = useState<'display' | 'permissions'>(isEveryone ? 'permissions' : 'display');
  const [name, setName] = useState(role.name);
  const [color, setColor] = useState(role.color);
  const [hoist, setHoist] = useState(role.hoist);
  const [mentionable, setMentionable] = useState(role.mentionable);
  const [permissions, setPermissions] = useState(BigInt(role.permissions));
  const [busy, setBusy] = useState(false);
  const dirty = name !== role.name || color !== role.color || hoist !== role.hoist || mentionable !== role.mentionable || permissions !== BigInt(role.permissions);
  const reset = () => {
    setName(role.name);
    setColor(role.color);
    setHoist(role.hoist);
    setMentionable(role.mentionable);
    setPermissions(BigInt(role.permissions));
  };
  const save = async () => {
    setBusy(true);
    try {
      const body: Record<string, unknown> = { permissions: permissions.toString() };
      if (!isEveryone) Object.assign(body, { name, color, hoist, mentionable });
      const updated = await getSession().api.modifyRole(guildId, role.id, body);
      useGuildStore.getState().upsertRole(guildId, updated);
      toast('Role saved');
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = () =>
    useUiStore.getState().openModal({
      kind: 'confirm',
      title: `Delete Role '${role.name}'`,
      body: 'Are you sure you want to delete this role? This action cannot be undone.',
      confirmLabel: 'Delete',
      danger: true,
      onConfirm: () => {
        getSession()
          .api.deleteRole(guildId, role.id)
          .then(() => {
            useGuildStore.getState().removeRole(guildId, role.id);
            useUiStore.getState().openModal({ kind: 'guildSettings', guildId, tab: 'roles' });
          })
          .catch((e: unknown) => toast(errorText(e)));
      },
    });

  return (
    <div className="role-editor">
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <h3 style={{ margin: '0 0 12px' }}>Edit role — {role.name}</h3>
        {!isEveryone && canEdit ? (
          <button className="btn danger small" onClick={remove}>
            Delete
          </button>
        ) : null}
      </div>
      <div className="tabs">
        {!isEveryone ? (
          <button className={tab === 'display' ? 'selected' : ''} onClick={() => setTab('display')}>
            Display
          </button>
        ) : null}
        <button className={tab === 'permissions' ? 'selected' : ''} onClick={() => setTab('permissions')} data-testid="role-permissions-tab">
          Permissions
        </button>
      </div>
      {tab === 'display' ? (
        <>
          <div className="field">
            <label htmlFor="role-name">Role name</label>
            <input id="role-name" className="input" value={name} disabled={!canEdit} onChange={(e) => setName(e.target.value)} data-testid="role-name-input" />
          </div>
          <div className="field">
            <label>Role color</label>
            <div className="color-swatches">
              <button aria-label="Default color" className={color === 0 ? 'selected' : ''} style={{ background: '#99aab5', width: 56 }} disabled={!canEdit} onClick={() => setColor(0)} />
              {ROLE_COLORS.map((c) => (
                <button key={c} aria-label={`#${c.toString(16)}`} className={color === c ? 'selected' : ''} style={{ background: roleColor(c) }} disabled={!canEdit} onClick={() => setColor(c)} />
              ))}
            </div>
          </div>
          <SwitchRow label="Display role members separately from online members" on={hoist} onChange={(v) => canEdit && setHoist(v)} />
          <SwitchRow label="Allow anyone to @mention this role" on={mentionable} onChange={(v) => canEdit && setMentionable(v)} />
        </>
      ) : (
        <PermissionToggles value={permissions} onChange={(v) => canEdit && setPermissions(v)} />
      )}
      {dirty && canEdit ? <SaveBar busy={busy} onSave={() => void save()} onReset={reset} /> : null}
    </div>
  );
}

export function PermissionToggles({ value, onChange }: { value: bigint; onChange: (next: bigint) => void }) {
  return (
    <div data-testid="permission-toggles">
      {PERMISSION_GROUPS.map((g) => (
        <section key={g.title}>
          <h3>{g.title}</h3>
          {g.permissions.map((p) => {
            const flag = flagOf(p.name);
            const on = (value & flag) === flag;
            return (
              <div className="switch-row" key={p.name} data-testid="permission-row" data-permission={p.name}>
                <div>
                  <div className="sl">{p.label}</div>
                  <div className="sd">{p.description}</div>
                </div>
                <Switch on={on} label={p.label} onChange={(next) => onChange(next ? value | flag : value & ~flag)} testId={`perm-${p.name}`} />
              </div>
            );
          })}
        </section>
      ))}
    </div>
  );
}

function Members({ guildId }: { guildId: string }) {
  const guild = useGuildStore((s) => s.guilds[guildId])!;
  const members = useMemberStore((s) => s.members[guildId]);
  const users = useMemberStore((s) => s.users);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const perms = useGuildPermissions(guildId);
  const [query, setQuery] = useState('');
  const ctx = toPermissionContext(guild, selfId, members?.[selfId]);
  const roles = sortRoles(guild.roles).filter((r) => r.id !== guildId);
  const list = Object.values(members ?? {})
    .map((m) => ({ m, u: users[m.userId] }))
    .filter(({ u }) => !query || (u?.username ?? '').toLowerCase().includes(query.toLowerCase()))
    .sort((a, b) => (a.u?.username ?? '').localeCompare(b.u?.username ?? ''));

  const act = (p: Promise<unknown>, ok: string) => p.then(() => toast(ok)).catch((e: unknown) => toast(errorText(e)));

  useEffect(() => {
    // Fetch the full list once (READY may only carry part of a large guild).
    getSession()
      .api.listMembers(guildId, { limit: 1000 })
      .then((list) => useMemberStore.getState().upsertMembers(guildId, list))
      .catch((e: unknown) => console.warn('member list fetch failed', e));
  }, [guildId]);

  return (
    <>
      <h2>Server Members</h2>
      <input className="input" placeholder="Search members" value={query} onChange={(e) => setQuery(e.target.value)} style={{ marginBottom: 16 }} />
      <table className="table" data-testid="members-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Roles</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map(({ m, u }) => {
            const manageable = canManageMember(ctx, { userId: m.userId, memberRoleIds: m.roles });
            const name = displayName(u, m);
            return (
              <tr key={m.userId} data-testid="member-row" data-user-id={m.userId}>
                <td>
                  <span style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
                    <Avatar id={m.userId} name={name} size={32} />
                    <span>
                      <div style={{ fontWeight: 600 }}>{name}</div>
                      <div style={{ fontSize: 12, color: 'var(--text-muted)' }}>{u?.username}</div>
                    </span>
                  </span>
                </td>
                <td>
                  {m.roles.map((rid) => {
                    const r = guild.roles.find((x) => x.id === rid);
                    if (!r) return null;
                    return (
                      <span key={rid} className="role-chip">
                        <span className="role-dot" style={{ background: roleColor(r.color) ?? '#99aab5', width: 10, height: 10, flexBasis: 10 }} />
                        {r.name}
                        {has(perms, PermissionFlags.MANAGE_ROLES) && manageable ? (
                          <button aria-label={`Remove ${r.name}`} onClick={() => void act(getSession().api.removeMemberRole(guildId, m.userId, rid), 'Role removed')}>
                            <CloseIcon size={10} />
                          </button>
                        ) : null}
                      </span>
                    );
                  })}
                  {has(perms, PermissionFlags.MANAGE_ROLES) && manageable ? (
                    <select
                      className="role-chip"
                      value=""
                      aria-label="Add role"
                      data-testid={`add-role-${m.userId}`}
                      onChange={(e) => e.target.value && void act(getSession().api.addMemberRole(guildId, m.userId, e.target.value), 'Role added')}
                    >
                      <option value="">+ Role</option>
                      {roles
                        .filter((r) => !m.roles.includes(r.id) && canManageRole(ctx, { id: r.id, position: r.position, permissions: 0n }))
                        .map((r) => (
                          <option key={r.id} value={r.id}>
                            {r.name}
                          </option>
                        ))}
                    </select>
                  ) : null}
                </td>
                <td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                  {manageable && has(perms, PermissionFlags.KICK_MEMBERS) ? (
                    <button className="btn secondary small" data-testid="kick-member" onClick={() => void act(getSession().api.kick(guildId, m.userId), `Kicked ${name}`)}>
                      Kick
                    </button>
                  ) : null}{' '}
                  {manageable && has(perms, PermissionFlags.BAN_MEMBERS) ? (
                    <button className="btn danger small" onClick={() => void act(getSession().api.ban(guildId, m.userId), `Banned ${name}`)}>
                      Ban
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function Bans({ guildId }: { guildId: string }) {
  const [bans, setBans] = useState<APIBan[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    getSession()
      .api.getBans(guildId)
      .then(setBans)
      .catch((e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [guildId]);
  return (
    <>
      <h2>Server Ban List</h2>
      {error ? <div className="form-error">{error}</div> : null}
      {bans && bans.length === 0 ? <div style={{ color: 'var(--text-muted)' }}>No bans. Good vibes only.</div> : null}
      {(bans ?? []).map((b) => (
        <div key={b.user.id} className="switch-row">
          <span style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
            <Avatar id={b.user.id} name={b.user.username} size={32} />
            <span>
              <div className="sl">{b.user.username}</div>
              {b.reason ? <div className="sd">{b.reason}</div> : null}
            </span>
          </span>
          <button
            className="btn secondary small"
            onClick={() =>
              void getSession()
                .api.unban(guildId, b.user.id)
                .then(load)
                .catch((e: unknown) => toast(errorText(e)))
            }
          >
            Revoke Ban
          </button>
        </div>
      ))}
    </>
  );
}

function Invites({ guildId }: { guildId: string }) {
  const [invites, setInvites] = useState<APIInvite[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    getSession()
      .api.getGuildInvites(guildId)
      .then(setInvites)
      .catch((e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [guildId]);
  return (
    <>
      <h2>Invites</h2>
      {error ? <div className="form-error">{error}</div> : null}
      <table className="table" data-testid="invites-table">
        <thead>
          <tr>
            <th>Inviter</th>
            <th>Invite code</th>
            <th>Uses</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(invites ?? []).map((inv) => (
            <tr key={inv.code}>
              <td>{inv.inviter?.username ?? '—'}</td>
              <td>
                <code title={inviteUrl(inv.code)}>{inv.code}</code>
              </td>
              <td>
                {inv.uses ?? 0}
                {inv.max_uses ? ` / ${inv.max_uses}` : ''}
              </td>
              <td>{inv.expires_at ? formatTimestamp(inv.expires_at) : 'Never'}</td>
              <td style={{ textAlign: 'right' }}>
                <button
                  className="btn danger small"
                  onClick={() =>
                    void getSession()
                      .api.deleteInvite(inv.code)
                      .then(load)
                      .catch((e: unknown) => toast(errorText(e)))
                  }
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {invites && invites.length === 0 ? <div style={{ color: 'var(--text-muted)', marginTop: 12 }}>No invites yet.</div> : null}
    </>
  );
}
