// User Settings › Applications: the developer portal. Lists the user's applications, creates
// one, gives it a bot user, resets and copies the bot token (shown once, never stored), switches
// the privileged gateway intents, and generates the OAuth2 authorize URL (scopes + bot
// permissions) that adds the bot to a server through the server's consent page.
import { useEffect, useMemo, useState } from 'react';
import { type PermissionName } from '@concord/protocol';
import { useApplicationStore } from './applicationStore.ts';
import { PRIVILEGED_INTENTS, intentEnabled } from './privilegedIntents.ts';
import { AUTHORIZE_SCOPES, DEFAULT_BOT_PERMISSIONS, buildAuthorizeUrl, type AuthorizeScope } from './authorizeUrl.ts';
import { PERMISSION_GROUPS, flagOf } from '../guild/permissionLabels.ts';
import type { DevApplication } from './botDecoders.ts';
import { createApplication, createBot, loadApplications, resetBotToken, setPrivilegedIntent } from './developerPortal.ts';
import { copyText, errorText } from '../session/actions.ts';
import { serverOrigin } from '../session/serverUrl.ts';
import { useUiStore } from '../state/uiStore.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { SwitchRow } from '../ui/SettingsLayout.dom.tsx';

const toast = (text: string) => useUiStore.getState().showToast(text);

export function DeveloperPortal() {
  const list = useApplicationStore((s) => s.list);
  const [openId, setOpenId] = useState<string | null>(null);
  useEffect(() => {
    void loadApplications();
  }, []);
  const apps = list.status === 'ready' ? list.applications : [];
  const open = apps.find((a) => a.id === openId);
  if (open) return <ApplicationDetail app={open} onBack={() => setOpenId(null)} />;
  return (
    <div data-testid="developer-portal">
      <div className="dev-head">
        <h2>Applications</h2>
      </div>
      <p className="dev-intro">
        Build bots for your communities. Create an application, give it a bot user and add it to a server; any <strong>discord.js</strong> bot runs against this server with{' '}
        <code className="md-code">{`rest: { api: '${serverOrigin()}/api' }`}</code> and its token.
      </p>
      <NewApplication onCreated={(app) => setOpenId(app.id)} />
      {list.status === 'loading' ? <div className="dev-muted">Loading applications…</div> : null}
      {list.status === 'failed' ? <div className="form-error">{list.error}</div> : null}
      {list.status === 'ready' && apps.length === 0 ? <div className="dev-muted" data-testid="dev-empty">You have no applications yet.</div> : null}
      <div className="dev-app-grid">
        {apps.map((a) => (
          <button key={a.id} className="dev-app-card" data-testid="dev-app-card" data-app-id={a.id} onClick={() => setOpenId(a.id)}>
            <Avatar id={a.bot?.id ?? a.id} name={a.name} size={64} />
            <span className="dev-app-name">{a.name}</span>
            <span className="dev-app-sub">{a.bot ? 'Bot' : 'No bot yet'}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

function NewApplication({ onCreated }: { onCreated: (app: DevApplication) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    if (name.trim().length < 2) return setError('The name needs at least 2 characters.');
    setBusy(true);
    setError(null);
    try {
      const app = await createApplication(name.trim());
      setName('');
      onCreated(app);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card dev-new"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <div className="field" style={{ flex: 1, marginBottom: 0 }}>
        <label htmlFor="dev-new-name">New application {error ? <span className="err" data-testid="dev-create-error">— {error}</span> : null}</label>
        <input id="dev-new-name" className="input" placeholder="My Bot" value={name} maxLength={32} onChange={(e) => setName(e.target.value)} data-testid="dev-app-name-input" />
      </div>
      <button className="btn" type="submit" disabled={busy} data-testid="dev-create-application">
        Create
      </button>
    </form>
  );
}

type DetailTab = 'bot' | 'oauth2';

function ApplicationDetail({ app, onBack }: { app: DevApplication; onBack: () => void }) {
  const [tab, setTab] = useState<DetailTab>('bot');
  return (
    <div data-testid="dev-application" data-app-id={app.id}>
      <button className="btn link small dev-back" onClick={onBack} data-testid="dev-back">
        ← All applications
      </button>
      <div className="dev-app-header">
        <Avatar id={app.bot?.id ?? app.id} name={app.name} size={64} />
        <div>
          <h2 style={{ margin: 0 }} data-testid="dev-app-title">
            {app.name}
          </h2>
          <div className="dev-muted">
            Application ID <code className="md-code">{app.id}</code>{' '}
            <button className="btn link small" onClick={() => copyText(app.id, 'Application ID')}>
              Copy
            </button>
          </div>
        </div>
      </div>
      <div className="tabs dev-tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'bot'} className={tab === 'bot' ? 'selected' : ''} onClick={() => setTab('bot')} data-testid="dev-tab-bot">
          Bot
        </button>
        <button role="tab" aria-selected={tab === 'oauth2'} className={tab === 'oauth2' ? 'selected' : ''} onClick={() => setTab('oauth2')} data-testid="dev-tab-oauth2">
          OAuth2
        </button>
      </div>
      {tab === 'bot' ? (
        <>
          <BotSection app={app} />
          <div className="divider" />
          <IntentsSection app={app} />
        </>
      ) : (
        <AuthorizeSection app={app} />
      )}
    </div>
  );
}

function BotSection({ app }: { app: DevApplication }) {
  // The token lives in this view only: gone when the view closes, as on Discord.
  const [token, setToken] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      setToken(await action());
      setConfirming(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="dev-section">
      {error ? <div className="form-error">{error}</div> : null}
      {!app.bot ? (
        <div className="card dev-row">
          <div>
            <div className="sl">Add a bot user</div>
            <div className="sd">Bring your application to life: the bot user joins servers, reads and sends messages and answers commands.</div>
          </div>
          <button className="btn" disabled={busy} onClick={() => void run(() => createBot(app))} data-testid="dev-add-bot">
            Add Bot
          </button>
        </div>
      ) : (
        <>
          <div className="card dev-bot-card">
            <Avatar id={app.bot.id} name={app.bot.username} size={48} />
            <div style={{ flex: 1 }}>
              <div className="dev-bot-name" data-testid="dev-bot-name">
                {app.bot.username}
                <span className="dev-muted">#{app.bot.discriminator}</span>
                <span className="bot-tag-inline">Bot</span>
              </div>
              <div className="dev-muted">User ID {app.bot.id}</div>
            </div>
            {confirming ? (
              <div className="dev-confirm">
                <span className="dev-muted">Reset the token? The bot disconnects until it uses the new one.</span>
                <button className="btn link small" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
                <button className="btn danger small" disabled={busy} onClick={() => void run(() => resetBotToken(app))} data-testid="dev-reset-token-confirm">
                  Yes, reset it
                </button>
              </div>
            ) : (
              <button className="btn secondary small" onClick={() => setConfirming(true)} data-testid="dev-reset-token">
                Reset Token
              </button>
            )}
          </div>
          <div className="dev-token">
            <div className="label">Token</div>
            {token ? (
              <>
                <div className="copy-row">
                  <input readOnly value={token} className="dev-token-value" data-testid="dev-token" onFocus={(e) => e.currentTarget.select()} aria-label="Bot token" />
                  <button className="btn small" onClick={() => copyText(token, 'Token')} data-testid="dev-copy-token">
                    Copy
                  </button>
                </div>
                <div className="hint warn">Copy your token now: it will not be shown again. Anyone with it controls your bot.</div>
              </>
            ) : (
              <div className="hint" style={{ marginTop: 0 }}>
                For security purposes, tokens can only be viewed once, when created. If you lost your token, reset it (the old one stops working at once).
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function IntentsSection({ app }: { app: DevApplication }) {
  const [busy, setBusy] = useState(false);
  return (
    <section className="dev-section">
      <h3>Privileged Gateway Intents</h3>
      <p className="dev-muted" style={{ marginTop: 0 }}>
        A bot that asks for one of these while it is off here is disconnected (close code 4014).
      </p>
      {PRIVILEGED_INTENTS.map((intent) => (
        <SwitchRow
          key={intent.key}
          label={intent.label}
          description={intent.description}
          on={intentEnabled(app.flags, intent)}
          testId={`dev-intent-${intent.key}`}
          onChange={(on) => {
            if (busy) return;
            setBusy(true);
            setPrivilegedIntent(app, intent, on)
              .then(() => toast(`${intent.label} ${on ? 'enabled' : 'disabled'}`))
              .catch((err: unknown) => toast(errorText(err)))
              .finally(() => setBusy(false));
          }}
        />
      ))}
    </section>
  );
}

/** Permissions a bot can be given, grouped as in the role editor (Administrator last). */
const BOT_PERMISSION_GROUPS = PERMISSION_GROUPS.map((g) => ({ title: g.title.replace(' Permissions', ''), permissions: g.permissions }));

function AuthorizeSection({ app }: { app: DevApplication }) {
  const [scopes, setScopes] = useState<AuthorizeScope[]>(['bot', 'applications.commands']);
  const [permissions, setPermissions] = useState<bigint>(DEFAULT_BOT_PERMISSIONS);
  const url = useMemo(() => buildAuthorizeUrl(serverOrigin(), app.id, scopes, permissions), [app.id, scopes, permissions]);
  const toggleScope = (scope: AuthorizeScope) => setScopes((cur) => (cur.includes(scope) ? cur.filter((s) => s !== scope) : AUTHORIZE_SCOPES.map((s) => s.scope).filter((s) => s === scope || cur.includes(s))));
  const togglePermission = (name: PermissionName) => setPermissions((cur) => cur ^ flagOf(name));
  const needsBot = scopes.includes('bot') && !app.bot;
  return (
    <section className="dev-section">
      <h3>OAuth2 URL Generator</h3>
      <p className="dev-muted" style={{ marginTop: 0 }}>
        Pick what the bot may do, then open the link: someone with <strong>Manage Server</strong> chooses a server and adds the bot, with a role carrying these permissions.
      </p>
      <div className="label">Scopes</div>
      <div className="check-grid scopes">
        {AUTHORIZE_SCOPES.map((s) => (
          <label key={s.scope} className="check" title={s.description}>
            <input type="checkbox" checked={scopes.includes(s.scope)} onChange={() => toggleScope(s.scope)} data-testid={`dev-scope-${s.scope}`} />
            <span>{s.scope}</span>
          </label>
        ))}
      </div>
      {scopes.includes('bot') ? (
        <>
          <div className="label" style={{ marginTop: 16 }}>
            Bot permissions <span className="dev-muted" style={{ textTransform: 'none', fontWeight: 400 }}>· {permissions.toString()}</span>
          </div>
          <div className="perm-columns">
            {BOT_PERMISSION_GROUPS.map((g) => (
              <div key={g.title} className="perm-column">
                <div className="perm-column-title">{g.title}</div>
                {g.permissions.map((p) => (
                  <label key={p.name} className="check" title={p.description}>
                    <input type="checkbox" checked={(permissions & flagOf(p.name)) !== 0n} onChange={() => togglePermission(p.name)} data-testid={`dev-perm-${p.name}`} />
                    <span>{p.label}</span>
                  </label>
                ))}
              </div>
            ))}
          </div>
        </>
      ) : null}
      <div className="label" style={{ marginTop: 16 }}>
        Generated URL
      </div>
      {needsBot ? <div className="hint warn" style={{ marginTop: 0, marginBottom: 8 }}>Add a bot user first: the bot scope adds it to the server.</div> : null}
      <div className="copy-row">
        <input readOnly value={scopes.length > 0 ? url : ''} placeholder="Pick at least one scope" data-testid="dev-authorize-url" aria-label="Authorize URL" onFocus={(e) => e.currentTarget.select()} />
        <button className="btn small" disabled={scopes.length === 0} onClick={() => copyText(url, 'URL')} data-testid="dev-copy-url">
          Copy
        </button>
        <a className={`btn secondary small ${scopes.length === 0 || needsBot ? 'disabled' : ''}`} href={url} target="_blank" rel="noreferrer" data-testid="dev-open-url" aria-disabled={scopes.length === 0 || needsBot}>
          Open
        </a>
      </div>
    </section>
  );
}
