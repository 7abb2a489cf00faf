import { describe, expect, it } from 'vitest';
import type { CommandIndex, CommandOption } from './botDecoders.ts';
import { decodeCommandIndex } from './botDecoders.ts';
import captured from './fixtures/botPayloads.json' with { type: 'json' };
import { buildInvocation, fieldErrorsToModalInputs, fieldErrorsToOptions, filterEntries, messageCommands, optionValue, slashEntries, slashQuery, type OptionDraft } from './slashCommands.ts';

const option = (o: Partial<CommandOption> & { name: string; type: number }): CommandOption => ({
  description: o.name,
  required: false,
  choices: [],
  options: [],
  channelTypes: [],
  minValue: null,
  maxValue: null,
  minLength: null,
  maxLength: null,
  autocomplete: false,
  ...o,
});

const app = { id: '10', name: 'Config Bot', botId: '11', botName: 'Config Bot' };
const nested: CommandIndex = {
  applications: [app],
  commands: [
    {
      id: '100',
      applicationId: '10',
      type: 1,
      name: 'config',
      description: 'Settings',
      version: '7',
      options: [
        option({ type: 2, name: 'channel', options: [option({ type: 1, name: 'set', description: 'Set it', options: [option({ type: 7, name: 'target', required: true }), option({ type: 5, name: 'silent' })] })] }),
        option({ type: 1, name: 'reset', description: 'Back to defaults' }),
      ],
    },
    { id: '101', applicationId: '10', type: 2, name: 'Profile', description: '', version: null, options: [] },
    { id: '102', applicationId: '10', type: 1, name: 'ban', description: 'Bans', version: null, options: [option({ type: 6, name: 'user', required: true })] },
  ],
};

const text = (t: string): OptionDraft => ({ text: t, picked: null });

describe('slash command entries', () => {
  it('flattens sub-commands and groups into runnable entries and leaves out context menu commands', () => {
    const entries = slashEntries(nested);
    expect(entries.map((e) => [e.fullName, e.path, e.description, e.options.map((o) => o.name)])).toEqual([
      ['ban', [], 'Bans', ['user']],
      ['config channel set', ['channel', 'set'], 'Set it', ['target', 'silent']],
      ['config reset', ['reset'], 'Back to defaults', []],
    ]);
    expect(entries[1]!.application).toBe(app);
  });

  it('reads "/query" only while the command name is being typed', () => {
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('/Ro')).toBe('ro');
    expect(slashQuery('/roll 6')).toBeNull();
    expect(slashQuery(' /roll')).toBeNull();
    expect(slashQuery('//')).toBeNull();
    expect(slashQuery('hello')).toBeNull();
  });

  it('ranks name prefixes first, then word prefixes, then substrings', () => {
    const entries = slashEntries(nested);
    expect(filterEntries(entries, 're').map((e) => e.fullName)).toEqual(['config reset']);
    expect(filterEntries(entries, 'set').map((e) => e.fullName)).toEqual(['config channel set', 'config reset']);
    expect(filterEntries(entries, 'c').map((e) => e.fullName)).toEqual(['config channel set', 'config reset']);
    expect(filterEntries(entries, 'an').map((e) => e.fullName)).toEqual(['ban', 'config channel set']);
    expect(filterEntries(entries, '').length).toBe(3);
  });

  it('works on the index the server really sends', () => {
    const entries = slashEntries(decodeCommandIndex(captured.commandIndex)!);
    expect(entries.map((e) => e.fullName)).toEqual(['fruit', 'ping', 'roll']);
  });

  it('offers only message commands in the message menu', () => {
    expect(messageCommands(nested)).toEqual([]);
    const apps = messageCommands(decodeCommandIndex(captured.commandIndex));
    expect(apps.map((a) => [a.command.name, a.application?.name])).toEqual([['Quote', 'Dice Bot']]);
  });
});

describe('option values', () => {
  it('types what was typed, and refuses only what cannot be sent at all', () => {
    expect(optionValue(option({ type: 4, name: 'n', maxValue: 3 }), text('500'))).toEqual({ status: 'ok', value: 500 });
    expect(optionValue(option({ type: 4, name: 'n' }), text('1.5'))).toMatchObject({ status: 'invalid' });
    expect(optionValue(option({ type: 4, name: 'n' }), text('six'))).toMatchObject({ status: 'invalid' });
    expect(optionValue(option({ type: 10, name: 'x' }), text('-2.5e1'))).toEqual({ status: 'ok', value: -25 });
    expect(optionValue(option({ type: 10, name: 'x' }), text('1,5'))).toMatchObject({ status: 'invalid' });
    expect(optionValue(option({ type: 3, name: 's', maxLength: 2 }), text('  long text '))).toEqual({ status: 'ok', value: '  long text ' });
    expect(optionValue(option({ type: 5, name: 'b' }), text('no'))).toEqual({ status: 'ok', value: false });
    expect(optionValue(option({ type: 3, name: 's' }), text('   '))).toEqual({ status: 'empty' });
    expect(optionValue(option({ type: 3, name: 's' }), undefined)).toEqual({ status: 'empty' });
  });

  it('takes the picked value of a picker, unless the text was changed after picking', () => {
    const style = option({ type: 3, name: 'style', choices: [{ name: 'Fancy', value: 'fancy' }] });
    expect(optionValue(style, { text: 'Fancy', picked: { value: 'fancy', label: 'Fancy' } })).toEqual({ status: 'ok', value: 'fancy' });
    expect(optionValue(style, { text: 'Fanc', picked: { value: 'fancy', label: 'Fancy' } })).toEqual({ status: 'ok', value: 'Fanc' });
  });

  it('accepts members, roles and channels as picked, as mentions or as ids', () => {
    const user = option({ type: 6, name: 'user' });
    expect(optionValue(user, { text: 'Alice', picked: { value: '42', label: 'Alice' } })).toEqual({ status: 'ok', value: '42' });
    expect(optionValue(user, text('<@!42>'))).toEqual({ status: 'ok', value: '42' });
    expect(optionValue(option({ type: 7, name: 'c' }), text('<#7>'))).toEqual({ status: 'ok', value: '7' });
    expect(optionValue(user, text('Alice'))).toEqual({ status: 'invalid', error: 'Pick a member from the list.' });
  });
});

describe('building data.options', () => {
  const [ban, channelSet] = slashEntries(nested);

  it('nests leaf options under the sub-command group and sub-command', () => {
    const built = buildInvocation(channelSet!, { target: { text: 'general', picked: { value: '5', label: 'general' } }, silent: text('true') });
    expect(built.errors).toEqual({});
    expect(built.sentNames).toEqual(['target', 'silent']);
    expect(built.options).toEqual([{ name: 'channel', type: 2, options: [{ name: 'set', type: 1, options: [{ name: 'target', type: 7, value: '5' }, { name: 'silent', type: 5, value: true }] }] }]);
  });

  it('reports missing required options and unparseable values by option name', () => {
    expect(buildInvocation(channelSet!, { silent: text('maybe') }).errors).toEqual({ target: 'This field is required.', silent: 'Pick True or False.' });
    expect(buildInvocation(ban!, {}).errors).toEqual({ user: 'This field is required.' });
  });

  it('sends the focused field as typed for autocomplete, and leaves out what cannot be sent', () => {
    const built = buildInvocation(channelSet!, { target: text('gen'), silent: text('maybe') }, 'target');
    expect(built.errors).toEqual({});
    expect(built.options[0]!.options![0]!.options).toEqual([{ name: 'target', type: 7, value: 'gen', focused: true }]);
  });
});

describe("mapping the server's 50035 back onto fields", () => {
  const roll = slashEntries(decodeCommandIndex(captured.commandIndex)!).find((e) => e.fullName === 'roll')!;
  const [, channelSet] = slashEntries(nested);

  it('puts a value error on the option it names (captured answer)', () => {
    expect(captured.invalid.code).toBe(50035);
    expect(fieldErrorsToOptions(roll, ['sides'], captured.invalid.errors)).toEqual({ byOption: { sides: 'Must be at most 100' }, general: [] });
  });

  it('follows sub-command nesting and keeps errors that name no field as general', () => {
    const errors = {
      data: {
        options: {
          '0': { options: { '0': { options: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'Option "target" is required' }], '1': { value: { _errors: [{ code: 'BOOLEAN_TYPE_COERCE', message: 'Must be a boolean' }] } } } } } },
        },
        name: { _errors: [{ code: 'X', message: 'Unknown command' }] },
      },
    };
    expect(fieldErrorsToOptions(channelSet!, ['target', 'silent'], errors)).toEqual({ byOption: { silent: 'Must be a boolean' }, general: ['Option "target" is required', 'Unknown command'] });
  });

  it('maps modal errors to text inputs by position', () => {
    const errors = { data: { components: { '1': { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 3 and 100 in length.' }] } } } };
    expect(fieldErrorsToModalInputs(['title', 'body'], errors)).toEqual({ byInput: { body: 'Must be between 3 and 100 in length.' }, general: [] });
  });
});
