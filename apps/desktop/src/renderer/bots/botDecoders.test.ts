import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeApplication,
  decodeApplicationList,
  decodeBotToken,
  decodeCommandIndex,
  decodeComponents,
  decodeInteractionMetadata,
  decodeInteractionResult,
  decodeModal,
} from './botDecoders.ts';
// Captured from the real server and the fixture discord.js bot (test/web/captureBotPayloads.ts).
import captured from './fixtures/botPayloads.json' with { type: 'json' };

describe('bot decoders on captured payloads', () => {
  it('reads an application with its bot user and flags', () => {
    const app = decodeApplication(captured.application);
    expect(app).toMatchObject({ name: 'Dice Bot', flags: 1 << 19, bot: { username: 'Dice Bot', bot: true } });
    expect(decodeApplicationList([captured.application])).toHaveLength(1);
  });

  it('reads the command index with typed options, choices, limits and autocomplete', () => {
    const index = decodeCommandIndex(captured.commandIndex)!;
    expect(index.applications).toEqual([{ id: captured.application.id, name: 'Dice Bot', botId: captured.application.bot.id, botName: 'Dice Bot' }]);
    expect(index.commands.map((c) => [c.name, c.type]).sort()).toEqual([
      ['Quote', 3],
      ['fruit', 1],
      ['ping', 1],
      ['roll', 1],
    ]);
    const roll = index.commands.find((c) => c.name === 'roll')!;
    expect(roll.options.map((o) => [o.name, o.type, o.required])).toEqual([
      ['sides', 4, true],
      ['count', 4, false],
      ['style', 3, false],
    ]);
    expect(roll.options[0]).toMatchObject({ minValue: 2, maxValue: 100, autocomplete: false });
    expect(roll.options[2]!.choices).toEqual([
      { name: 'Plain', value: 'plain' },
      { name: 'Fancy', value: 'fancy' },
    ]);
    expect(index.commands.find((c) => c.name === 'fruit')!.options[0]!.autocomplete).toBe(true);
  });

  it('reads a deferred answer, autocomplete choices and a modal from POST /interactions', () => {
    expect(decodeInteractionResult(captured.rollResult)).toEqual({ id: captured.rollResult.id, answer: { kind: 'message', type: 5 } });
    expect(decodeInteractionResult(captured.autocomplete)!.answer).toEqual({
      kind: 'autocomplete',
      choices: [
        { name: 'Apple', value: 'apple' },
        { name: 'Apricot', value: 'apricot' },
      ],
    });
    expect(decodeInteractionResult(captured.modal)!.answer).toEqual({
      kind: 'modal',
      modal: { customId: 'note-form', title: 'Add a note', inputs: [{ customId: 'note', style: 2, label: 'Your note', minLength: 3, maxLength: 100, required: true, value: '', placeholder: null }] },
    });
    expect(decodeInteractionResult({ id: '1', nonce: null, response: null })!.answer).toEqual({ kind: 'none' });
  });

  it("reads a bot message's components and interaction_metadata", () => {
    const rows = decodeComponents(captured.rollMessage.components);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.components.map((c) => (c.type === 2 ? [c.label, c.style, c.disabled, c.customId ?? c.url] : null))).toEqual([
      ['Reroll', 1, false, 'reroll:6:1'],
      ['Add a note', 2, false, 'note'],
      ['Keep', 3, false, 'keep'],
      ['Forfeit', 4, true, 'forfeit'],
      ['Rules', 5, false, 'https://discord.js.org/'],
    ]);
    expect(rows[0]!.components[0]).toMatchObject({ emoji: { id: null, name: '🎲' } });
    expect(rows[1]!.components[0]).toMatchObject({ type: 3, customId: 'bet', placeholder: 'Place a bet', minValues: 1, maxValues: 1 });
    expect(decodeInteractionMetadata(captured.rollMessage.interaction_metadata)).toEqual({ type: 2, name: 'roll', commandType: 1, interactedMessageId: null, user: expect.objectContaining({ username: 'capture_owner' }) });
    expect(decodeInteractionMetadata({ id: '5', type: 3, user: captured.rollMessage.author, interacted_message_id: captured.rollMessage.id })).toMatchObject({ type: 3, name: null, interactedMessageId: captured.rollMessage.id });
  });
});

describe('bot decoders on malformed input', () => {
  it('drops components it cannot render instead of half-rendering them', () => {
    const rows = decodeComponents([
      { type: 1, components: [{ type: 2, style: 1, custom_id: 'no-label' }, { type: 2, style: 5, label: 'no url' }, { type: 2, style: 6, label: 'premium', sku_id: '1' }, { type: 2, style: 1, label: 'ok', custom_id: 'ok' }] },
      { type: 1, components: [{ type: 3, custom_id: 'empty', options: [] }] },
      { type: 9, components: [{ type: 2, style: 1, label: 'not a row', custom_id: 'x' }] },
      'garbage',
    ]);
    expect(rows).toEqual([{ components: [{ type: 2, style: 1, label: 'ok', emoji: null, customId: 'ok', url: null, disabled: false }] }]);
  });

  it('clamps select value counts to what the select can offer', () => {
    const [row] = decodeComponents([{ type: 1, components: [{ type: 3, custom_id: 's', min_values: 9, max_values: 9, options: [{ label: 'a', value: 'a' }, { label: 'b', value: 'b' }] }] }]);
    expect(row!.components[0]).toMatchObject({ minValues: 2, maxValues: 2 });
  });

  it('refuses tokens, indexes and modals with the wrong shape', () => {
    expect(decodeBotToken({ token: '' })).toBeNull();
    expect(decodeBotToken({ token: 'abc' })).toEqual({ token: 'abc', user: null });
    expect(decodeCommandIndex({ applications: {}, application_commands: [] })).toBeNull();
    expect(decodeModal({ custom_id: 'm', title: 't', components: [{ type: 1, components: [{ type: 2 }] }] })).toBeNull();
    expect(decodeInteractionResult({ id: '1', response: { type: 9, data: {} } })).toBeNull();
    expect(decodeApplicationList([captured.application, { id: 'x' }])).toBeNull();
  });

  it('keeps only commands of applications the index lists', () => {
    const index = decodeCommandIndex({ applications: [], application_commands: captured.commandIndex.application_commands })!;
    expect(index.commands).toEqual([]);
  });

  it('never throws, whatever arrives (fuzzed)', () => {
    const decoders = [decodeApplication, decodeApplicationList, decodeBotToken, decodeCommandIndex, decodeComponents, decodeInteractionMetadata, decodeInteractionResult, decodeModal];
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const decode of decoders) decode(value);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated real payloads (fuzzed)', () => {
    const mutate = (value: unknown, paths: number[], replacement: unknown): unknown => {
      if (paths.length === 0 || value === null || typeof value !== 'object') return replacement;
      const entries = Object.entries(value);
      if (entries.length === 0) return replacement;
      const [key, child] = entries[paths[0]! % entries.length]!;
      const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
      (copy as Record<string, unknown>)[key] = mutate(child, paths.slice(1), replacement);
      return copy;
    };
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue(), (paths, replacement) => {
        decodeCommandIndex(mutate(captured.commandIndex, paths, replacement));
        decodeComponents(mutate(captured.rollMessage.components, paths, replacement));
        decodeInteractionResult(mutate(captured.modal, paths, replacement));
        decodeInteractionResult(mutate(captured.autocomplete, paths, replacement));
      }),
      { numRuns: 1000 },
    );
  });
});
