// The open modals of one node: a peek answers what a submission would be checked against, and a
// modal opened on another node replaces this node's only when it is newer (as opening replaces in
// one process).
import { describe, expect, it } from 'vitest';
import type { Interaction } from './Interaction.ts';
import { ModalRegistry } from './ModalRegistry.ts';

const i = { userId: 'u', app: { id: 'app' }, channelId: 'ch', sourceMessageId: null } as unknown as Interaction;
const modal = { custom_id: 'form', title: 'Form', components: [{ type: 1 as const, components: [{ type: 4 as const, custom_id: 'text', style: 1 as const, label: 'Text' }] }] };

describe('ModalRegistry', () => {
  it('peeks the open modal for its user, app, channel and custom_id while it has not expired', () => {
    const r = new ModalRegistry();
    const opened = r.open(i, modal, 1_000);
    expect(r.peek('u', 'app', 'ch', 'form', 1_000)).toBe(opened);
    expect(r.peek('u', 'app', 'ch', 'form', opened.expiresAtMs + 1)).toBeNull();
    for (const [user, app, ch, id] of [['v', 'app', 'ch', 'form'], ['u', 'other', 'ch', 'form'], ['u', 'app', 'x', 'form'], ['u', 'app', 'ch', 'nope']] as const) {
      expect(r.peek(user, app, ch, id, 1_000)).toBeNull();
    }
  });

  it('drops its modal when another node opened the same one later, keeps it when that one is older', () => {
    const r = new ModalRegistry();
    const opened = r.open(i, modal, 1_000);
    r.replacedElsewhere('u', 'form', opened.expiresAtMs - 1);
    r.replacedElsewhere('u', 'form', opened.expiresAtMs);
    r.replacedElsewhere('v', 'form', opened.expiresAtMs + 1);
    expect(r.peek('u', 'app', 'ch', 'form', 1_000)).toBe(opened);
    r.replacedElsewhere('u', 'form', opened.expiresAtMs + 1);
    expect(r.peek('u', 'app', 'ch', 'form', 1_000)).toBeNull();
  });
});
