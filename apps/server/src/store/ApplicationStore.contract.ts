// The contract every ApplicationStore adapter must meet: applications and their commands, global
// (guild_id null) and per guild. Written against the port only; run by each adapter's test file.
import { describe, expect, it } from 'vitest';
import type { ApplicationStore } from './ApplicationStore.ts';
import type { ApplicationRecord, CommandRecord } from './botRecords.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

const APP = '700000000000000001';
const OTHER_APP = '700000000000000002';
const GUILD = '300000000000000001';
const OTHER_GUILD = '300000000000000002';

function application(id: string, extra: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    id,
    owner_id: '100000000000000001',
    name: `app ${id.slice(-3)}`,
    description: '',
    icon: null,
    bot_user_id: null,
    flags: 0,
    bot_public: true,
    bot_require_code_grant: false,
    interactions_endpoint_url: null,
    verify_key: 'ab'.repeat(32),
    tags: [],
    install_params: null,
    created_at: Date.UTC(2024, 4, 14),
    ...extra,
  };
}

let commandSeq = 0;
function command(applicationId: string, guildId: string | null, name: string, extra: Partial<CommandRecord> = {}): CommandRecord {
  commandSeq++;
  return {
    id: `71${String(commandSeq).padStart(16, '0')}`,
    application_id: applicationId,
    guild_id: guildId,
    name,
    type: 1,
    version: `72${String(commandSeq).padStart(16, '0')}`,
    name_localizations: null,
    description: `does ${name}`,
    description_localizations: null,
    options: [],
    default_member_permissions: null,
    dm_permission: true,
    nsfw: false,
    contexts: null,
    integration_types: [0],
    ...extra,
  };
}

const names = (cs: readonly CommandRecord[]) => cs.map((c) => `${c.application_id.slice(-1)}/${c.guild_id ?? 'global'}/${c.name}`).sort();

export function describeApplicationStore(name: string, open: OpenStoreHarness<ApplicationStore>): void {
  const run = (body: (store: ApplicationStore, reopen: () => Promise<ApplicationStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));

  describe(`ApplicationStore contract: ${name}`, () => {
    it(
      'starts with no applications and no commands',
      run(async (store) => {
        expect(await store.listApplications()).toEqual([]);
        expect(await store.listCommands()).toEqual([]);
      }),
    );

    describe('applications', () => {
      it(
        'returns an upserted application field for field',
        run(async (store) => {
          const app = application(APP, {
            description: 'a helpful bot',
            icon: 'abcd',
            bot_user_id: '100000000000000009',
            flags: 1 << 23,
            bot_public: false,
            bot_require_code_grant: true,
            interactions_endpoint_url: 'https://example.com/interactions',
            tags: ['music', 'fun'],
            install_params: { scopes: ['bot', 'applications.commands'], permissions: '2147483648' },
          });
          await store.upsertApplication(app);
          expect(await store.listApplications()).toEqual([app]);
        }),
      );

      it(
        'replaces an application by id (a bot user added, settings changed)',
        run(async (store) => {
          const app = application(APP);
          await store.upsertApplication(app);
          await store.upsertApplication(application(OTHER_APP));
          const changed: ApplicationRecord = { ...app, name: 'renamed', bot_user_id: '100000000000000009', owner_id: '100000000000000002', tags: ['x'] };
          await store.upsertApplication(changed);
          const apps = await store.listApplications();
          expect(apps).toHaveLength(2);
          expect(apps.find((a) => a.id === APP)).toEqual(changed);
        }),
      );

      it(
        'refuses a second application for the same bot user',
        run(async (store) => {
          await store.upsertApplication(application(APP, { bot_user_id: '100000000000000009' }));
          await expect(store.upsertApplication(application(OTHER_APP, { bot_user_id: '100000000000000009' }))).rejects.toThrow();
          expect((await store.listApplications()).map((a) => a.id)).toEqual([APP]);
        }),
      );

      it(
        'deletes an application together with all its commands, and no other application\'s',
        run(async (store) => {
          await store.upsertApplication(application(APP));
          await store.upsertApplication(application(OTHER_APP));
          await store.upsertCommand(command(APP, null, 'ping'));
          await store.upsertCommand(command(APP, GUILD, 'kick'));
          await store.upsertCommand(command(OTHER_APP, null, 'ping'));
          await store.deleteApplication(APP);
          expect((await store.listApplications()).map((a) => a.id)).toEqual([OTHER_APP]);
          expect(names(await store.listCommands())).toEqual(['2/global/ping']);
        }),
      );
    });

    describe('commands', () => {
      it(
        'returns global and guild commands field for field',
        run(async (store) => {
          const global = command(APP, null, 'ping', {
            name_localizations: { de: 'pingen', fr: 'pinger' },
            description_localizations: { de: 'Pingt' },
            options: [{ type: 3, name: 'text', description: 'what to say', required: true, choices: [{ name: 'hi', value: 'hi' }] }],
            default_member_permissions: '8',
            dm_permission: false,
            nsfw: true,
            contexts: [0, 1, 2],
            integration_types: [0, 1],
          });
          const guildOnly = command(APP, GUILD, 'Report', { type: 3, description: '' });
          await store.upsertCommand(global);
          await store.upsertCommand(guildOnly);
          const byId = (cs: CommandRecord[]) => [...cs].sort((a, b) => (a.id < b.id ? -1 : 1));
          expect(byId(await store.listCommands())).toEqual(byId([global, guildOnly]));
        }),
      );

      it(
        'updates a command in place by id',
        run(async (store) => {
          const c = command(APP, GUILD, 'ping');
          await store.upsertCommand(c);
          const changed: CommandRecord = { ...c, name: 'pong', description: 'now pongs', version: '729999999999999999', options: [{ type: 4, name: 'n', description: 'count' }] };
          await store.upsertCommand(changed);
          expect(await store.listCommands()).toEqual([changed]);
        }),
      );

      it(
        'refuses two commands with the same name and type in one scope, and allows them across scopes and types',
        run(async (store) => {
          await store.upsertCommand(command(APP, null, 'ping'));
          await expect(store.upsertCommand(command(APP, null, 'ping'))).rejects.toThrow();
          await store.upsertCommand(command(APP, GUILD, 'ping'));
          await store.upsertCommand(command(APP, OTHER_GUILD, 'ping'));
          await store.upsertCommand(command(APP, null, 'ping', { type: 2 }));
          await store.upsertCommand(command(OTHER_APP, null, 'ping'));
          expect(await store.listCommands()).toHaveLength(5);
        }),
      );

      it(
        'deletes one command by id',
        run(async (store) => {
          const a = command(APP, null, 'a');
          const b = command(APP, null, 'b');
          await store.upsertCommand(a);
          await store.upsertCommand(b);
          await store.deleteCommand(a.id);
          await store.deleteCommand('719999999999999999');
          expect(await store.listCommands()).toEqual([b]);
        }),
      );

      it(
        'replaces the commands of one scope only (bulk overwrite)',
        run(async (store) => {
          await store.upsertCommand(command(APP, null, 'old-global'));
          await store.upsertCommand(command(APP, GUILD, 'old-guild'));
          await store.upsertCommand(command(APP, OTHER_GUILD, 'other-guild'));
          await store.upsertCommand(command(OTHER_APP, null, 'other-app'));
          await store.replaceCommands(APP, null, [command(APP, null, 'new1'), command(APP, null, 'new2')]);
          expect(names(await store.listCommands())).toEqual(['1/300000000000000001/old-guild', '1/300000000000000002/other-guild', '1/global/new1', '1/global/new2', '2/global/other-app']);
          await store.replaceCommands(APP, GUILD, [command(APP, GUILD, 'new-guild')]);
          expect(names(await store.listCommands())).toEqual(['1/300000000000000001/new-guild', '1/300000000000000002/other-guild', '1/global/new1', '1/global/new2', '2/global/other-app']);
        }),
      );

      it(
        'clears a scope when replacing it with no commands',
        run(async (store) => {
          await store.upsertCommand(command(APP, GUILD, 'a'));
          await store.upsertCommand(command(APP, null, 'b'));
          await store.replaceCommands(APP, GUILD, []);
          expect(names(await store.listCommands())).toEqual(['1/global/b']);
        }),
      );

      it(
        'keeps a replacement that keeps a command\'s id and name (an unchanged command in a bulk overwrite)',
        run(async (store) => {
          const kept = command(APP, null, 'same');
          await store.upsertCommand(kept);
          const again: CommandRecord = { ...kept, description: 'new text' };
          await store.replaceCommands(APP, null, [again]);
          expect(await store.listCommands()).toEqual([again]);
        }),
      );

      it(
        'leaves a scope as it was when its replacement fails (two commands with one name)',
        run(async (store) => {
          const before = command(APP, null, 'before');
          await store.upsertCommand(before);
          await expect(store.replaceCommands(APP, null, [command(APP, null, 'twin'), command(APP, null, 'twin')])).rejects.toThrow();
          expect(await store.listCommands()).toEqual([before]);
        }),
      );
    });

    it(
      'keeps applications and commands across a reopen of the same storage',
      run(async (store, reopen) => {
        const app = application(APP, { bot_user_id: '100000000000000009', tags: ['t'], install_params: { scopes: ['bot'], permissions: '0' } });
        const cmds = [command(APP, null, 'ping', { options: [{ type: 3, name: 'x', description: 'y' }] }), command(APP, GUILD, 'kick', { default_member_permissions: '2' })];
        await store.upsertApplication(app);
        for (const c of cmds) await store.upsertCommand(c);
        const reopened = await reopen();
        expect(await reopened.listApplications()).toEqual([app]);
        expect(names(await reopened.listCommands())).toEqual(names(cmds));
        expect((await reopened.listCommands()).find((c) => c.name === 'ping')).toEqual(cmds[0]);
      }),
    );
  });
}
