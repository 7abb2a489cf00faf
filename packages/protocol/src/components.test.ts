// Message components: Discord's layout (rows of up to 5 buttons or 1 select, at most 5 rows, no
// deeper nesting) and field rules, parsed in every body that carries them.
import { describe, expect, it } from 'vitest';
import { InteractionCallbackBody, WebhookMessageBody } from './bots.ts';
import { MessageComponentsSchema, ModalComponentsSchema } from './components.ts';
import { CreateMessageBody, EditMessageBody, parseWith } from './schemas.ts';

const button = (custom_id: string, extra: Record<string, unknown> = {}) => ({ type: 2, style: 1, label: custom_id, custom_id, ...extra });
const row = (...components: unknown[]) => ({ type: 1, components });
const ok = (components: unknown) => parseWith(MessageComponentsSchema, components).ok;

function nested(depth: number): unknown {
  let node: unknown = button('leaf');
  for (let i = 0; i < depth; i++) node = row(node);
  return node;
}

describe('MessageComponentsSchema', () => {
  it.each([
    ['CreateMessageBody', CreateMessageBody],
    ['EditMessageBody', EditMessageBody],
    ['WebhookMessageBody', WebhookMessageBody],
  ])('%s refuses action rows nested 150 deep', (_name, schema) => {
    expect(parseWith(schema, { content: 'x', components: [nested(150)] }).ok).toBe(false);
  });

  it('refuses a row inside a row (one level is the most)', () => {
    expect(ok([nested(2)])).toBe(false);
    expect(ok([nested(1)])).toBe(true);
  });

  it('accepts five rows of five buttons and refuses a sixth row or a sixth button', () => {
    const full = (r: number) => row(...Array.from({ length: 5 }, (_, i) => button(`b${r}-${i}`)));
    expect(ok(Array.from({ length: 5 }, (_, r) => full(r)))).toBe(true);
    expect(ok(Array.from({ length: 6 }, (_, r) => full(r)))).toBe(false);
    expect(ok([row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))])).toBe(false);
  });

  it('wants a select alone in its row', () => {
    const select = { type: 3, custom_id: 's', options: [{ label: 'A', value: 'a' }] };
    expect(ok([row(select)])).toBe(true);
    const result = parseWith(MessageComponentsSchema, [row(select, button('b'))]);
    expect(!result.ok && result.errors).toEqual({ '0': { components: { _errors: [{ code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'A select menu must be alone in its action row' }] } } });
  });

  it('refuses a duplicated custom_id', () => {
    const result = parseWith(MessageComponentsSchema, [row(button('same')), row(button('same'))]);
    expect(!result.ok && result.errors).toEqual({ '1': { components: { '0': { custom_id: { _errors: [{ code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' }] } } } } });
  });

  it.each([
    ['a custom_id of 101 characters', [row(button('c'.repeat(101)))]],
    ['a label of 81 characters', [row(button('c', { label: 'l'.repeat(81) }))]],
    ['a link button without url', [row({ type: 2, style: 5, label: 'go' })]],
    ['a link button with a javascript: url', [row({ type: 2, style: 5, label: 'go', url: 'javascript:alert(1)' })]],
    ['a link button with a custom_id', [row({ type: 2, style: 5, label: 'go', url: 'https://a.example', custom_id: 'x' })]],
    ['a non-link button with a url', [row(button('c', { url: 'https://a.example' }))]],
    ['a string select without options', [row({ type: 3, custom_id: 's' })]],
    ['a user select with options', [row({ type: 5, custom_id: 's', options: [{ label: 'A', value: 'a' }] })]],
    ['min_values above max_values', [row({ type: 5, custom_id: 's', min_values: 3, max_values: 2 })]],
    ['a text input in a message', [row({ type: 4, custom_id: 't', style: 1, label: 'L' })]],
    ['a top-level button', [button('c')]],
  ])('refuses %s', (_what, components) => {
    expect(ok(components)).toBe(false);
  });

  it('strips unknown keys of rows and components', () => {
    const result = parseWith(MessageComponentsSchema, [{ ...row(button('c', { onclick: 'x' })), style: 'evil' }]);
    expect(result.ok && result.value).toEqual([row(button('c'))]);
  });

  it('parses the components of interaction responses and modals', () => {
    expect(parseWith(InteractionCallbackBody, { type: 4, data: { content: 'x', components: [nested(3)] } }).ok).toBe(false);
    expect(parseWith(ModalComponentsSchema, [row({ type: 4, custom_id: 'a', style: 1, label: 'A' }, { type: 4, custom_id: 'b', style: 1, label: 'B' })]).ok).toBe(false);
    expect(parseWith(ModalComponentsSchema, [row({ type: 4, custom_id: 'a', style: 1, label: 'A' })]).ok).toBe(true);
  });
});
