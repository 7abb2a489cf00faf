// Channel settings: overview (name, topic, slowmode, NSFW) and the permission overwrites
// editor (per role or member: deny / inherit / allow for each channel permission).
import { useMemo, useState } from 'react';
import { ChannelType, OverwriteType, type APIOverwrite } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useUiStore, type ChannelSettingsTab } from '../state/uiStore.ts';
import { sortRoles } from '../state/permissions.ts';
import { roleColor } from '../ui/avatar.ts';
import { PERMISSION_GROUPS, flagOf } from './permissionLabels.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { CheckIcon, CloseIcon, SlashIcon } from '../ui/Icons.dom.tsx';
import { SaveBar, SettingsLayout, SwitchRow } from '../ui/SettingsLayout.dom.tsx';

const SLOWMODE = [0, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600];

function toast(text: string) {
  useUiStore.getState().showToast(text);
}

export function ChannelSettings({ channelId, tab }: { channelId: string; tab: ChannelSettingsTab }) {
  const channel = useGuildStore((s) => s.channels[channelId]);
  if (!channel) return null;
  const setTab = (t: ChannelSettingsTab) => useUiStore.getState().openModal({ kind: 'channelSettings', channelId, tab: t });
  const isCategory = channel.type === ChannelType.GUILD_CATEGORY;
  return (
    <SettingsLayout<ChannelSettingsTab | 'delete'>
      heading={`${isCategory ? '' : '# '}${channel.name ?? ''}`}
      testId="channel-settings"
      selected={tab}
      onSelect={(t) => t !== 'delete' && setTab(t)}
      sections={[
        { id: 'overview', label: 'Overview' },
        { id: 'permissions', label: 'Permissions' },
        'separator',
        {
          id: 'delete',
          label: isCategory ? 'Delete Category' : 'Delete Channel',
          danger: true,
          onClick: () =>
            useUiStore.getState().openModal({
              kind: 'confirm',
              title: isCategory ? 'Delete Category' : 'Delete Channel',
              body: `Are you sure you want to delete ${channel.name ?? ''}? This cannot be undone.`,
              confirmLabel: 'Delete',
              danger: true,
              onConfirm: () => void getSession().api.deleteChannel(channelId).catch((e: unknown) => toast(errorText(e))),
            }),
        },
      ]}
    >
      {tab === 'overview' ? <Overview channelId={channelId} /> : <Overwrites channelId={channelId} />}
    </SettingsLayout>
  );
}

function Overview({ channelId }: { channelId: string }) {
  const channel = useGuildStore((s) => s.channels[channelId])!;
  const [name, setName] = useState(channel.name ?? '');
  const [topic, setTopic] = useState(channel.topic ?? '');
  const [slowmode, setSlowmode] = useState(channel.rate_limit_per_user ?? 0);
  const [nsfw, setNsfw] = useState(!!channel.nsfw);
  const [busy, setBusy] = useState(false);
  const isText = channel.type === ChannelType.GUILD_TEXT || channel.type === ChannelType.GUILD_ANNOUNCEMENT;
  const dirty = name !== (channel.name ?? '') || topic !== (channel.topic ?? '') || slowmode !== (channel.rate_limit_per_user ?? 0) || nsfw !== !!channel.nsfw;
  const save = async () => {
    setBusy(true);
    try {
      const body: Record<string, unknown> = { name };
      if (isText) Object.assign(body, { topic: topic || null, rate_limit_per_user: slowmode, nsfw });
      const updated = await getSession().api.modifyChannel(channelId, body);
      useGuildStore.getState().upsertChannel(updated);
      toast('Channel updated');
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>Overview</h2>
      <div className="field">
        <label htmlFor="cs-name">Channel name</label>
        <input id="cs-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {isText ? (
        <>
          <div className="field">
            <label htmlFor="cs-topic">Channel topic</label>
            <textarea id="cs-topic" className="input" value={topic} maxLength={1024} placeholder="Let everyone know how to use this channel!" onChange={(e) => setTopic(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="cs-slow">Slowmode</label>
            <select id="cs-slow" className="input" value={slowmode} onChange={(e) => setSlowmode(Number(e.target.value))}>
              {SLOWMODE.map((s) => (
                <option key={s} value={s}>
                  {s === 0 ? 'Off' : s < 60 ? `${s}s` : s < 3600 ? `${s / 60}m` : `${s / 3600}h`}
                </option>
              ))}
            </select>
            <div className="hint">Members will be restricted to sending one message per this interval.</div>
          </div>
          <SwitchRow label="Age-Restricted Channel" description="Users will need to confirm they are of legal age to view the content in this channel." on={nsfw} onChange={setNsfw} />
        </>
      ) : null}
      {dirty ? <SaveBar busy={busy} onSave={() => void save()} onReset={() => { setName(channel.name ?? ''); setTopic(channel.topic ?? ''); setSlowmode(channel.rate_limit_per_user ?? 0); setNsfw(!!channel.nsfw); }} /> : null}
    </>
  );
}

type Tri = 'deny' | 'neutral' | 'allow';

function Overwrites({ channelId }: { channelId: string }) {
  const channel = useGuildStore((s) => s.channels[channelId])!;
  const guildId = channel.guild_id!;
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const members = useMemberStore((s) => s.members[guildId]);
  const users = useMemberStore((s) => s.users);
  const overwrites = channel.permission_overwrites ?? [];
  const [selected, setSelected] = useState<string>(overwrites[0]?.id ?? guildId);
  const [draft, setDraft] = useState<{ allow: bigint; deny: bigint } | null>(null);
  const [busy, setBusy] = useState(false);
  const roles = useMemo(() => sortRoles(guild?.roles ?? []), [guild?.roles]);

  const current: APIOverwrite = overwrites.find((o) => o.id === selected) ?? { id: selected, type: members?.[selected] && !roles.some((r) => r.id === selected) ? OverwriteType.MEMBER : OverwriteType.ROLE, allow: '0', deny: '0' };
  const allow = draft?.allow ?? BigInt(current.allow);
  const deny = draft?.deny ?? BigInt(current.deny);
  const listed = [...overwrites];
  if (!listed.some((o) => o.id === guildId)) listed.unshift({ id: guildId, type: OverwriteType.ROLE, allow: '0', deny: '0' });
  if (!listed.some((o) => o.id === selected)) listed.push(current);

  const labelOf = (o: APIOverwrite) => {
    if (o.type === OverwriteType.ROLE) {
      const r = roles.find((x) => x.id === o.id);
      return { name: r?.name ?? 'deleted-role', color: r ? roleColor(r.color) : undefined, avatar: null };
    }
    const name = displayName(users[o.id], members?.[o.id]);
    return { name, color: undefined, avatar: <Avatar id={o.id} name={name} size={20} /> };
  };

  const set = (flag: bigint, v: Tri) => {
    let a = allow & ~flag;
    let d = deny & ~flag;
    if (v === 'allow') a |= flag;
    if (v === 'deny') d |= flag;
    setDraft({ allow: a, deny: d });
  };

  const save = async () => {
    setBusy(true);
    try {
      await getSession().api.putOverwrite(channelId, current.id, { type: current.type, allow: allow.toString(), deny: deny.toString() });
      const next = [...overwrites.filter((o) => o.id !== current.id), { ...current, allow: allow.toString(), deny: deny.toString() }];
      useGuildStore.getState().upsertChannel({ ...channel, permission_overwrites: next });
      setDraft(null);
      toast('Permissions saved');
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const removeOverwrite = async () => {
    try {
      await getSession().api.deleteOverwrite(channelId, current.id);
      useGuildStore.getState().upsertChannel({ ...channel, permission_overwrites: overwrites.filter((o) => o.id !== current.id) });
      setSelected(guildId);
      setDraft(null);
    } catch (err) {
      toast(errorText(err));
    }
  };

  const addable = [
    ...roles.filter((r) => !listed.some((o) => o.id === r.id)).map((r) => ({ id: r.id, label: `@${r.name}` })),
    ...Object.keys(members ?? {})
      .filter((id) => !listed.some((o) => o.id === id))
      .slice(0, 50)
      .map((id) => ({ id, label: displayName(users[id], members?.[id]) })),
  ];

  return (
    <>
      <h2>Channel Permissions</h2>
      <p style={{ color: 'var(--text-muted)', marginTop: -8 }}>Use permissions to customise who can do what in this channel.</p>
      <div className="roles-layout" data-testid="overwrites-editor">
        <div className="role-list">
          <select
            className="input"
            value=""
            onChange={(e) => {
              if (!e.target.value) return;
              setSelected(e.target.value);
              setDraft(null);
            }}
            style={{ marginBottom: 8 }}
            aria-label="Add a role or member"
            data-testid="overwrite-add"
          >
            <option value="">+ Add role or member</option>
            {addable.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
          <div className="label">Roles/Members</div>
          {listed.map((o) => {
            const l = labelOf(o);
            return (
              <button
                key={o.id}
                className={`ritem ${o.id === selected ? 'selected' : ''}`}
                onClick={() => {
                  setSelected(o.id);
                  setDraft(null);
                }}
                data-testid="overwrite-target"
                data-target-name={l.name}
              >
                {l.avatar ?? <span className="role-dot" style={{ background: l.color ?? '#99aab5' }} />}
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{l.name}</span>
              </button>
            );
          })}
        </div>
        <div className="role-editor">
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <h3 style={{ margin: 0 }}>Permissions for {labelOf(current).name}</h3>
            {overwrites.some((o) => o.id === current.id) ? (
              <button className="btn danger small" onClick={() => void removeOverwrite()}>
                Remove
              </button>
            ) : null}
          </div>
          {PERMISSION_GROUPS.filter((g) => g.channelScoped).map((g) => (
            <section key={g.title}>
              <h3>{g.title}</h3>
              {g.permissions
                .filter(() => channel.type !== ChannelType.GUILD_VOICE || g.title !== 'Text Channel Permissions')
                .filter((p) => !['MANAGE_GUILD', 'VIEW_AUDIT_LOG', 'MANAGE_GUILD_EXPRESSIONS'].includes(p.name))
                .map((p) => {
                  const flag = flagOf(p.name);
                  const state: Tri = (deny & flag) === flag ? 'deny' : (allow & flag) === flag ? 'allow' : 'neutral';
                  return (
                    <div className="switch-row" key={p.name} data-testid="overwrite-row" data-permission={p.name}>
                      <div>
                        <div className="sl">{p.label}</div>
                        <div className="sd">{p.description}</div>
                      </div>
                      <div className="tri" role="radiogroup" aria-label={p.label}>
                        <button className={`deny ${state === 'deny' ? 'on' : ''}`} aria-label="Deny" title="Deny" onClick={() => set(flag, 'deny')} data-testid={`deny-${p.name}`}>
                          <CloseIcon size={16} />
                        </button>
                        <button className={`neutral ${state === 'neutral' ? 'on' : ''}`} aria-label="Inherit" title="Inherit" onClick={() => set(flag, 'neutral')} data-testid={`neutral-${p.name}`}>
                          <SlashIcon size={16} />
                        </button>
                        <button className={`allow ${state === 'allow' ? 'on' : ''}`} aria-label="Allow" title="Allow" onClick={() => set(flag, 'allow')} data-testid={`allow-${p.name}`}>
                          <CheckIcon size={16} />
                        </button>
                      </div>
                    </div>
                  );
                })}
            </section>
          ))}
          {draft ? <SaveBar busy={busy} onSave={() => void save()} onReset={() => setDraft(null)} /> : null}
        </div>
      </div>
    </>
  );
}
