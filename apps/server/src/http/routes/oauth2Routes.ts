// OAuth2 bot authorization. `GET /oauth2/authorize?client_id=..&scope=bot%20applications.commands&permissions=..`
// (outside /api, like discord.com) is a small self-contained consent page: it signs in with the
// web client's token (localStorage `concord.token`, or `token`) or a pasted one, lists the servers
// where the user has MANAGE_GUILD and calls the JSON API (`GET`/`POST /api/v10/oauth2/authorize`).
import { OAuth2AuthorizeBody, OAuth2AuthorizeQuery } from '@concord/protocol';
import type { TemplatedApp } from 'uWebSockets.js';
import { parseBody } from '../HttpServer.ts';
import type { RouteDef } from '../Route.ts';
import type { UwsGuard } from '../UwsGuard.ts';
import type { Services } from './Services.ts';

export function oauth2Routes(s: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/oauth2/authorize',
      auth: 'required',
      handler: (c) => s.oauth2.authorizeInfo(c.user, parseBody(OAuth2AuthorizeQuery, Object.fromEntries(c.query.entries()))),
    },
    {
      method: 'POST',
      path: '/oauth2/authorize',
      auth: 'required',
      rule: { limit: 10, windowMs: 60_000 },
      handler: async (c) => {
        const query = parseBody(OAuth2AuthorizeQuery, Object.fromEntries(c.query.entries()));
        const body = parseBody(OAuth2AuthorizeBody, c.body);
        if (!body.authorize) return { location: `${c.origin}/oauth2/authorize?error=access_denied` };
        return s.oauth2.authorize(c.user, { ...query, permissions: body.permissions ?? query.permissions, guild_id: body.guild_id ?? query.guild_id }, c.origin);
      },
    },
  ];
}

/** Serves the consent page. Everything it shows comes from the JSON API, so it is static HTML. */
export function attachOAuth2Page(app: TemplatedApp, guard: UwsGuard): void {
  app.get(
    '/oauth2/authorize',
    guard.http('oauth2.page', (r) => {
      r.respond('200 OK', {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
      }, AUTHORIZE_PAGE);
    }),
  );
}

const AUTHORIZE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Add a bot · Concord</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; background: #1e1f22; color: #dbdee1; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #2b2d31; border-radius: 8px; padding: 24px; width: min(440px, 92vw); box-shadow: 0 8px 24px #0006; }
  h1 { font-size: 20px; margin: 0 0 4px; color: #f2f3f5; }
  .muted { color: #949ba4; font-size: 13px; }
  label { display: block; margin: 16px 0 6px; font-size: 12px; font-weight: 700; text-transform: uppercase; color: #b5bac1; }
  select, input { width: 100%; box-sizing: border-box; padding: 10px; border-radius: 4px; border: 0; background: #1e1f22; color: #dbdee1; font: inherit; }
  ul { margin: 8px 0 0; padding-left: 20px; }
  button { margin-top: 20px; width: 100%; padding: 11px; border: 0; border-radius: 4px; background: #5865f2; color: white; font: inherit; font-weight: 600; cursor: pointer; }
  button[disabled] { opacity: .5; cursor: default; }
  .error { color: #fa777c; margin-top: 12px; }
  .ok { color: #23a55a; margin-top: 12px; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main>
  <h1 id="title">Add a bot</h1>
  <div class="muted" id="subtitle">Loading…</div>
  <form id="login" hidden>
    <label for="token">Your token</label>
    <input id="token" autocomplete="off" placeholder="Sign in to the web client first, or paste your token">
    <button type="submit">Continue</button>
  </form>
  <form id="consent" hidden>
    <label for="guild">Add to server</label>
    <select id="guild" required></select>
    <div class="muted" id="noguilds" hidden>You need the Manage Server permission in a server to add bots to it.</div>
    <label>It will be able to</label>
    <ul id="permissions"></ul>
    <button type="submit" id="authorize">Authorize</button>
  </form>
  <div id="status" role="status"></div>
</main>
<script>
(() => {
  const PERMISSION_NAMES = ['Create Invite','Kick Members','Ban Members','Administrator','Manage Channels','Manage Server','Add Reactions','View Audit Log','Priority Speaker','Video','View Channels','Send Messages','Send TTS Messages','Manage Messages','Embed Links','Attach Files','Read Message History','Mention Everyone','Use External Emojis','View Server Insights','Connect','Speak','Mute Members','Deafen Members','Move Members','Use Voice Activity','Change Nickname','Manage Nicknames','Manage Roles','Manage Webhooks','Manage Expressions','Use Application Commands','Request to Speak','Manage Events','Manage Threads','Create Public Threads','Create Private Threads','Use External Stickers','Send Messages in Threads','Use Activities','Timeout Members'];
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const api = '/api/v10/oauth2/authorize?' + params.toString();
  // The web client keeps its token under 'concord.token'; 'token' is where Discord's keeps it.
  const stored = (localStorage.getItem('concord.token') || localStorage.getItem('token') || '').replace(/^"|"$/g, '');
  let token = stored;
  const status = (text, ok) => { $('status').textContent = text; $('status').className = ok ? 'ok' : 'error'; };

  async function call(method, body) {
    const res = await fetch(api, { method, headers: { authorization: token, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(data.message || res.statusText), { status: res.status, data });
    return data;
  }

  function showLogin(message) {
    $('login').hidden = false; $('consent').hidden = true;
    $('subtitle').textContent = 'Sign in to continue.';
    if (message) status(message);
  }

  async function load() {
    if (!token) return showLogin();
    try {
      const info = await call('GET');
      $('title').textContent = 'Add ' + info.application.name;
      $('subtitle').textContent = 'Signed in as ' + info.user.username + '. Scopes: ' + info.scopes.join(', ');
      const select = $('guild');
      select.textContent = '';
      for (const g of info.guilds) {
        const option = document.createElement('option');
        option.value = g.id;
        option.textContent = g.name + (g.has_bot ? ' (already added)' : '');
        select.appendChild(option);
      }
      $('noguilds').hidden = info.guilds.length > 0;
      $('authorize').disabled = info.guilds.length === 0;
      const bits = BigInt(info.permissions);
      const list = $('permissions');
      list.textContent = '';
      PERMISSION_NAMES.forEach((name, i) => {
        if ((bits >> BigInt(i)) & 1n) { const li = document.createElement('li'); li.textContent = name; list.appendChild(li); }
      });
      if (!list.children.length) { const li = document.createElement('li'); li.textContent = 'Join the server (no extra permissions)'; list.appendChild(li); }
      $('login').hidden = true; $('consent').hidden = false;
    } catch (e) {
      if (e.status === 401) return showLogin('That token did not work.');
      status(e.message);
    }
  }

  $('login').addEventListener('submit', (ev) => { ev.preventDefault(); token = $('token').value.trim(); load(); });
  $('consent').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('authorize').disabled = true;
    try {
      await call('POST', { authorize: true, guild_id: $('guild').value, permissions: params.get('permissions') || '0' });
      status('Authorized. The bot has joined the server; you can close this page.', true);
    } catch (e) {
      status(e.message);
      $('authorize').disabled = false;
    }
  });
  load();
})();
</script>
</body>
</html>
`;
