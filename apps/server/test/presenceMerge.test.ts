// A user's presence across sessions (the desktop app's game beside the web client's custom status),
// and the public application lookup RPC clients and the presence agent name games with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('presence merged over sessions', () => {
  it("shows the union of two sessions' activities with a status per platform, and drops one session's when it ends", async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    await guildWithMember(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const web = await connectGateway(t, member.token, 'json', { properties: { os: 'linux', browser: 'Concord Web', device: '' } });
    const desktop = await connectGateway(t, member.token, 'bin', { properties: { os: 'linux', browser: 'Concord Desktop', device: '' } });
    web.client.updatePresence({ status: 'idle', activities: [{ name: 'Custom Status', type: 4, state: 'brb' }] });
    desktop.client.updatePresence({ status: 'online', activities: [{ name: 'Elden Ring', type: 0, details: 'Limgrave', buttons: [{ label: 'Watch', url: 'https://example.com/w' }] }] });
    const merged = (p: any) => p.user.id === member.id && p.activities.length === 2;
    await eventually(() => ownerGw.of('PRESENCE_UPDATE').some(merged), 'merged presence');
    expect(ownerGw.of('PRESENCE_UPDATE').find(merged)).toMatchObject({
      status: 'online',
      client_status: { desktop: 'online', web: 'idle' },
      activities: [
        { name: 'Elden Ring', type: 0, details: 'Limgrave', buttons: ['Watch'], metadata: { button_urls: ['https://example.com/w'] } },
        { name: 'Custom Status', type: 4, state: 'brb' },
      ],
    });
    desktop.close();
    await eventually(
      () => ownerGw.of('PRESENCE_UPDATE').some((p) => p.user.id === member.id && p.activities.length === 1 && p.activities[0].type === 4 && p.status === 'idle' && p.client_status.desktop === undefined),
      'the web session alone',
    );
    web.close();
    ownerGw.close();
  });
});

describe('GET /applications/:id/rpc', () => {
  it("answers without a token with the application's public fields, and 10002 for an unknown one", async () => {
    const dev = await registerUser(t);
    const app = await dev.api.createApplication({ name: 'Test Game', description: 'a game' });
    const res = await fetch(`${t.server.url}/api/v9/applications/${app.id}/rpc`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ id: app.id, name: 'Test Game', icon: null, description: 'a game', summary: '', type: null, hook: true, verify_key: expect.any(String), flags: 0 });
    const unknown = await fetch(`${t.server.url}/api/v9/applications/1234567890123456789/rpc`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 10002 });
  });
});
