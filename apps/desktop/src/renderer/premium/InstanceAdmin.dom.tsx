// User Settings -> Instance Admin (shown only to instance administrators): grant Nitro to a user
// (by username or id) with an optional end date, revoke it, see every active boost on the
// instance, and the audit list of every premium and boost change.
import { useCallback, useEffect, useState } from 'react';
import { useGuildStore } from '../state/guildStore.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { errorText } from '../session/actions.ts';
import { formatFull } from '../ui/format.ts';
import { grantPremium, listAllBoosts, listInstanceAudit, listPremiumUsers, revokePremium, type InstanceAuditEntry, type PremiumGuildSubscription, type PremiumUser } from './premiumApi.ts';
import { premiumName } from './premiumNames.ts';
import './premium.css';

function describeAudit(e: InstanceAuditEntry): string {
  const after = e.after === undefined || e.after === null ? '' : JSON.stringify(e.after);
  return after ? `${e.action} → ${after}` : e.action;
}

/** A user id as typed, or the id of a known user (one who shares a server or a DM) with that username. */
function lookupUser(usernameOrId: string): { id: string; username: string } | null {
  const q = usernameOrId.trim();
  const users = useMemberStore.getState().users;
  if (/^\d{15,20}$/.test(q)) return { id: q, username: users[q]?.username ?? q };
  const found = Object.values(users).find((u) => u.username.toLowerCase() === q.toLowerCase());
  return found ? { id: found.id, username: found.username } : null;
}

export function InstanceAdmin() {
  const guilds = useGuildStore((s) => s.guilds);
  const users = useMemberStore((s) => s.users);
  const [premium, setPremium] = useState<PremiumUser[]>([]);
  const [boosts, setBoosts] = useState<PremiumGuildSubscription[]>([]);
  const [audit, setAudit] = useState<InstanceAuditEntry[]>([]);
  const [who, setWho] = useState('');
  const [plan, setPlan] = useState<1 | 2 | 3>(2);
  const [days, setDays] = useState('30');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [p, b, a] = await Promise.all([listPremiumUsers(), listAllBoosts(), listInstanceAudit()]);
      setPremium(p);
      setBoosts(b);
      setAudit(a);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const grant = async () => {
    setError(null);
    setNotice(null);
    try {
      const user = lookupUser(who);
      if (!user) throw new Error(`No known user named “${who}”: use their user ID.`);
      const n = Number(days);
      const expiresAt = days.trim() === '' || n <= 0 ? null : new Date(Date.now() + n * 86_400_000).toISOString();
      await grantPremium(user.id, plan, expiresAt);
      setNotice(`${premiumName(plan)} granted to ${user.username}${expiresAt ? ` until ${formatFull(expiresAt)}` : ''}.`);
      setWho('');
      await reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const revoke = async (p: PremiumUser) => {
    try {
      await revokePremium(p.user.id);
      setNotice(`Premium revoked from ${p.user.username}.`);
      await reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const nameOf = (id: string | null) => (id ? (users[id]?.username ?? premium.find((p) => p.user.id === id)?.user.username ?? id) : 'system');

  return (
    <div className="instance-admin" data-testid="instance-admin">
      <h2>Instance Admin</h2>
      <p className="muted">You administer this Concord instance. Changes here apply to every server on it and are recorded below.</p>
      <h3>Grant Nitro</h3>
      <div className="grant-form">
        <input className="input" placeholder="Username or user ID" value={who} onChange={(e) => setWho(e.target.value)} data-testid="grant-user" aria-label="User" />
        <select className="input" value={plan} onChange={(e) => setPlan(Number(e.target.value) === 1 ? 1 : Number(e.target.value) === 3 ? 3 : 2)} data-testid="grant-plan" aria-label="Plan">
          <option value={2}>Nitro</option>
          <option value={1}>Nitro Classic</option>
          <option value={3}>Nitro Basic</option>
        </select>
        <label className="days">
          for
          <input className="input" type="number" min={0} value={days} onChange={(e) => setDays(e.target.value)} data-testid="grant-days" aria-label="Days (empty: no end)" />
          days
        </label>
        <button className="btn" disabled={who.trim() === ''} onClick={() => void grant()} data-testid="grant-submit">
          Grant
        </button>
      </div>
      {error ? <div className="form-error" data-testid="admin-error">{error}</div> : null}
      {notice ? <div className="form-ok" data-testid="admin-notice">{notice}</div> : null}

      <h3>Members with Nitro <span className="muted">({premium.length})</span></h3>
      <table className="admin-table" data-testid="premium-users">
        <thead>
          <tr>
            <th>User</th>
            <th>Plan</th>
            <th>Ends</th>
            <th>Provider</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {premium.map((p) => (
            <tr key={p.user.id} data-testid="premium-user-row" data-username={p.user.username}>
              <td>{p.user.global_name || p.user.username}</td>
              <td>{premiumName(p.premium_type)}</td>
              <td>{p.expires_at ? formatFull(p.expires_at) : 'Never'}</td>
              <td>{p.provider}</td>
              <td>
                <button className="btn small danger" onClick={() => void revoke(p)} data-testid="revoke-premium">
                  Revoke
                </button>
              </td>
            </tr>
          ))}
          {premium.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">Nobody has Nitro yet.</td>
            </tr>
          ) : null}
        </tbody>
      </table>

      <h3>Boosts <span className="muted">({boosts.filter((b) => !b.ended).length})</span></h3>
      <table className="admin-table" data-testid="admin-boosts">
        <thead>
          <tr>
            <th>Server</th>
            <th>Booster</th>
          </tr>
        </thead>
        <tbody>
          {boosts
            .filter((b) => !b.ended)
            .map((b) => (
              <tr key={b.id}>
                <td>{guilds[b.guild_id]?.name ?? b.guild_id}</td>
                <td>{b.user?.username ?? nameOf(b.user_id)}</td>
              </tr>
            ))}
        </tbody>
      </table>

      <h3>Audit Log</h3>
      <table className="admin-table" data-testid="admin-audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>On</th>
          </tr>
        </thead>
        <tbody>
          {audit.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-action={e.action}>
              <td>{formatFull(e.created_at)}</td>
              <td>{nameOf(e.actor_id)}</td>
              <td className="mono">{describeAudit(e)}</td>
              <td>{nameOf(e.target_id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
