import { ApplicationCommandOptionType as Opt, type APIApplicationCommandOption } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../DomainError.ts';
import { FieldErrorList } from '../FieldErrorList.ts';
import { countFocused, validateOptions, type GivenOptions } from './commandOptions.ts';
import type { ResolvableTargets } from './Resolver.ts';

/** Targets that exist: user 1, role 2, text channel 3 (type 0). */
const targets: ResolvableTargets = {
  user: (id) => id === '1',
  role: (id) => id === '2',
  channel: (id) => (id === '3' ? { type: 0 } : null),
};

const opt = (type: number, name: string, extra: Partial<APIApplicationCommandOption> = {}): APIApplicationCommandOption => ({ type, name, description: name, ...extra });

function run(defs: APIApplicationCommandOption[], given: GivenOptions, autocomplete = false) {
  const errors = new FieldErrorList();
  const out = validateOptions(defs, given, ['data', 'options'], errors, targets, autocomplete);
  return { out, errors };
}

describe('validateOptions', () => {
  it('passes valid values through and coerces numeric strings', () => {
    const defs = [opt(Opt.STRING, 's'), opt(Opt.INTEGER, 'n'), opt(Opt.USER, 'u'), opt(Opt.CHANNEL, 'c', { channel_types: [0] })];
    const { out, errors } = run(defs, [
      { name: 's', type: Opt.STRING, value: 'hi' },
      { name: 'n', type: Opt.INTEGER, value: '42' },
      { name: 'u', type: Opt.USER, value: '1' },
      { name: 'c', type: Opt.CHANNEL, value: '3' },
    ]);
    expect(errors.count).toBe(0);
    expect(out.map((o) => o.value)).toEqual(['hi', 42, '1', '3']);
  });

  it('reports every problem with its path: unknown, duplicate, wrong type, out of range, missing', () => {
    const defs = [opt(Opt.INTEGER, 'n', { min_value: 1, max_value: 10 }), opt(Opt.STRING, 'req', { required: true }), opt(Opt.ROLE, 'r')];
    const { errors } = run(defs, [
      { name: 'n', type: Opt.INTEGER, value: 11 },
      { name: 'n', type: Opt.INTEGER, value: 2 },
      { name: 'x', type: Opt.STRING, value: 'a' },
      { name: 'r', type: Opt.STRING, value: '2' },
    ]);
    expect(errors.root).toEqual({
      data: {
        options: {
          _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'Option "req" is required' }],
          '0': { value: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'Must be at most 10' }] } },
          '1': { name: { _errors: [{ code: 'INTERACTION_OPTION_DUPLICATE', message: 'Option "n" was given twice' }] } },
          '2': { name: { _errors: [{ code: 'INTERACTION_OPTION_UNKNOWN', message: 'Unknown option "x"' }] } },
          '3': { type: { _errors: [{ code: 'INTERACTION_OPTION_TYPE_INVALID', message: 'Option "r" must be of type 8' }] } },
        },
      },
    });
    expect(() => errors.throwIfAny()).toThrow(DomainError);
  });

  it('refuses choices that are not listed, channels of the wrong type and ids that do not resolve', () => {
    const defs = [opt(Opt.STRING, 'pick', { choices: [{ name: 'A', value: 'a' }] }), opt(Opt.CHANNEL, 'c', { channel_types: [2] }), opt(Opt.MENTIONABLE, 'm')];
    const { errors } = run(defs, [
      { name: 'pick', type: Opt.STRING, value: 'b' },
      { name: 'c', type: Opt.CHANNEL, value: '3' },
      { name: 'm', type: Opt.MENTIONABLE, value: '9' },
    ]);
    const codes = JSON.stringify(errors.root);
    for (const code of ['BASE_TYPE_CHOICES', 'CHANNEL_TYPE_INVALID', 'MENTIONABLE_INVALID']) expect(codes).toContain(code);
    expect(errors.count).toBe(3);
  });

  it('requires exactly one sub-command and validates inside it', () => {
    const defs = [opt(Opt.SUB_COMMAND, 'add', { options: [opt(Opt.BOOLEAN, 'b', { required: true })] }), opt(Opt.SUB_COMMAND, 'remove')];
    expect(run(defs, []).errors.root).toEqual({ data: { options: { _errors: [{ code: 'INTERACTION_SUB_COMMAND_REQUIRED', message: 'Exactly one sub-command must be given' }] } } });
    const { out, errors } = run(defs, [{ name: 'add', type: Opt.SUB_COMMAND, options: [{ name: 'b', type: Opt.BOOLEAN, value: true }] }]);
    expect(errors.count).toBe(0);
    expect(out).toEqual([{ name: 'add', type: Opt.SUB_COMMAND, options: [{ name: 'b', type: Opt.BOOLEAN, value: true }] }]);
  });

  it('accepts a focused value only for an autocomplete option during autocomplete, and skips required checks then', () => {
    const defs = [opt(Opt.STRING, 'q', { autocomplete: true, required: true }), opt(Opt.STRING, 'other', { required: true })];
    const focused = [{ name: 'q', type: Opt.STRING, value: 'pa', focused: true }];
    const auto = run(defs, focused, true);
    expect(auto.errors.count).toBe(0);
    expect(countFocused(auto.out)).toBe(1);
    expect(JSON.stringify(run(defs, focused, false).errors.root)).toContain('INTERACTION_FOCUSED_OPTION_INVALID');
  });
});
