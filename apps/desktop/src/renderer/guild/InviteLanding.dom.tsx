// The page an invite link opens, as Discord's: the server's acronym, "You've been invited to
// join", its name, online and member counts and "Accept Invite". Signed out, accepting leads to
// register (or Log In) and then joins; signed in, it joins and opens the server. A used-up,
// expired or unknown code shows "Invite Invalid".
import { useEffect, useState } from 'react';
import { RestError } from '@concord/client';
import { ErrorCode } from '@concord/protocol';
import { LogoIcon } from '../ui/Icons.dom.tsx';
import { LoadingDots } from '../ui/LoadingDots.dom.tsx';
import { guildInitials } from '../ui/avatar.ts';
import { errorText, joinGuild } from '../session/actions.ts';
import { endInviteFlow, loadInvitePreview, useInviteFlow, type InvitePreview } from './inviteLink.ts';
import { useSessionStore } from '../state/sessionStore.ts';

const counts = new Intl.NumberFormat('en-US');

export function InviteLanding({ code }: { code: string }) {
  const preview = useInviteFlow((s) => s.preview);
  const flow = useInviteFlow((s) => s.flow);
  const signedIn = useSessionStore((s) => s.session.status !== 'signedOut');
  const [joinError, setJoinError] = useState<string | null>(null);

  useEffect(() => {
    // Back from the log in form the card is already loaded: no flash of the loading state.
    const loaded = useInviteFlow.getState().preview;
    if (loaded.status === 'loaded' && loaded.invite.code === code) return;
    void loadInvitePreview(code);
  }, [code]);

  // Accepting runs once the session exists: right away when signed in, after log in or register otherwise.
  const joining = flow.step === 'joining' || (flow.step === 'signIn' && flow.acceptAfter);
  useEffect(() => {
    if (flow.step !== 'joining') return;
    let cancelled = false;
    setJoinError(null);
    joinGuild(code)
      .then(() => {
        if (!cancelled) endInviteFlow();
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        if (err instanceof RestError && err.code === ErrorCode.UnknownInvite) useInviteFlow.getState().setPreview({ status: 'invalid' });
        setJoinError(errorText(err));
        useInviteFlow.getState().setFlow({ step: 'landing', code });
      });
    return () => {
      cancelled = true;
    };
  }, [flow.step, code]);

  const accept = () => {
    const { setFlow } = useInviteFlow.getState();
    // Discord sends a signed-out visitor who accepts to create an account first.
    setFlow(signedIn ? { step: 'joining', code } : { step: 'signIn', code, mode: 'register', acceptAfter: true });
  };
  const signIn = (mode: 'login' | 'register') => useInviteFlow.getState().setFlow({ step: 'signIn', code, mode, acceptAfter: false });

  let card;
  switch (preview.status) {
    case 'loading':
      card = (
        <div className="auth-card invite-card" data-testid="invite-loading">
          <LoadingDots label="Loading invite" />
        </div>
      );
      break;
    case 'invalid':
      card = <InvalidInvite />;
      break;
    case 'unreachable':
      card = (
        <div className="auth-card invite-card" data-testid="invite-unreachable">
          <h1>Can&apos;t reach the server</h1>
          <div className="subtitle">Check your connection and try again.</div>
          <button className="btn block" onClick={() => void loadInvitePreview(code)}>
            Try Again
          </button>
        </div>
      );
      break;
    case 'loaded':
      card = <InviteCard invite={preview.invite} signedIn={signedIn} joining={joining} error={joinError} onAccept={accept} onSignIn={signIn} />;
      break;
    default: {
      const never: never = preview;
      throw new Error(`unhandled invite preview ${JSON.stringify(never)}`);
    }
  }
  return (
    <div className="auth-bg invite-landing">
      <div className="auth-brand">
        <LogoIcon size={36} /> Concord
      </div>
      {card}
    </div>
  );
}

function InviteCard(props: { invite: InvitePreview; signedIn: boolean; joining: boolean; error: string | null; onAccept: () => void; onSignIn: (mode: 'login' | 'register') => void }) {
  const { invite, signedIn, joining, error } = props;
  const initials = guildInitials(invite.guild.name);
  return (
    <section className="auth-card invite-card" data-testid="invite-landing" aria-label={`Invite to ${invite.guild.name}`}>
      <div className={`invite-guild-icon ${initials.length > 2 ? 'small-text' : ''}`} aria-hidden="true" data-testid="invite-guild-icon">
        {initials}
      </div>
      <div className="invite-lead">You&apos;ve been invited to join</div>
      <h1 className="invite-guild-name" data-testid="invite-guild-name">
        {invite.guild.name}
      </h1>
      {invite.onlineCount !== null && invite.memberCount !== null ? (
        <div className="invite-counts">
          <span className="invite-count" data-testid="invite-online">
            <i className="invite-dot online" aria-hidden="true" />
            {counts.format(invite.onlineCount)} Online
          </span>
          <span className="invite-count" data-testid="invite-members">
            <i className="invite-dot" aria-hidden="true" />
            {counts.format(invite.memberCount)} Members
          </span>
        </div>
      ) : null}
      {error ? (
        <div className="form-error" role="alert" data-testid="invite-error">
          {error}
        </div>
      ) : null}
      <button className="btn block" data-testid="invite-accept" disabled={joining} onClick={props.onAccept}>
        {joining ? <LoadingDots label="Joining" /> : 'Accept Invite'}
      </button>
      {signedIn ? null : (
        <div className="invite-auth-links">
          <div className="switch-link">
            Already have an account?{' '}
            <button type="button" data-testid="invite-login" onClick={() => props.onSignIn('login')}>
              Log In
            </button>
          </div>
          <div className="switch-link">
            Need an account?{' '}
            <button type="button" data-testid="invite-register" onClick={() => props.onSignIn('register')}>
              Register
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function InvalidInvite() {
  return (
    <section className="auth-card invite-card" data-testid="invite-invalid" aria-label="Invite Invalid">
      <div className="invite-invalid-art" aria-hidden="true">
        <svg width="96" height="64" viewBox="0 0 96 64">
          <rect x="8" y="8" width="80" height="48" rx="8" fill="#4e5058" />
          <path d="M36 24l24 16M60 24L36 40" stroke="#f23f43" strokeWidth="5" strokeLinecap="round" />
        </svg>
      </div>
      <h1>Invite Invalid</h1>
      <div className="subtitle">This invite may be expired, or you might not have permission to join.</div>
      <button className="btn block" data-testid="invite-continue" onClick={endInviteFlow}>
        Continue to Concord
      </button>
    </section>
  );
}

/** Above the log in and register forms during an invite: which server the account is for. */
export function InviteAuthHeader() {
  const preview = useInviteFlow((s) => s.preview);
  if (preview.status !== 'loaded') return null;
  const name = preview.invite.guild.name;
  return (
    <div className="invite-auth-header" data-testid="invite-auth-header">
      <div className={`invite-guild-icon small ${guildInitials(name).length > 2 ? 'small-text' : ''}`} aria-hidden="true">
        {guildInitials(name)}
      </div>
      <div className="invite-lead">You&apos;ve been invited to join</div>
      <div className="invite-auth-guild">{name}</div>
    </div>
  );
}
