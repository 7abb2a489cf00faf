// Modals a bot opened (callback type 9), per user and custom_id, until submitted or expired. A
// submission must match an open modal of the same app in the same channel, fill its required
// fields within their lengths and name no other fields; the modal closes when it is accepted.
import { INTERACTION_TOKEN_TTL_MS, type CreateInteractionInput, type InteractionCallbackInput } from '@concord/protocol';
import { DomainError } from '../DomainError.ts';
import { FieldErrorList } from '../FieldErrorList.ts';
import type { Interaction } from './Interaction.ts';

export type ModalSubmission = Extract<CreateInteractionInput, { type: 5 }>['data'];
export type ModalDefinition = Extract<InteractionCallbackInput, { type: 9 }>['data'];

export interface PendingModal {
  applicationId: string;
  channelId: string;
  sourceMessageId: string | null;
  components: { custom_id: string; required: boolean; min_length: number; max_length: number }[];
  expiresAtMs: number;
}

export class ModalRegistry {
  /** userId -> custom_id -> the modal a bot opened for that user. */
  private readonly modals = new Map<string, Map<string, PendingModal>>();

  /** Opens a modal for the interaction's user (replacing one with the same custom_id); the modal as kept. */
  open(i: Interaction, modal: ModalDefinition, now: number): PendingModal {
    const byId = this.modals.get(i.userId) ?? new Map<string, PendingModal>();
    const pending: PendingModal = {
      applicationId: i.app.id,
      channelId: i.channelId,
      sourceMessageId: i.sourceMessageId,
      components: modal.components.flatMap((row) => row.components).map((c) => ({ custom_id: c.custom_id, required: c.required ?? true, min_length: c.min_length ?? 0, max_length: c.max_length ?? 4000 })),
      expiresAtMs: now + INTERACTION_TOKEN_TTL_MS,
    };
    byId.set(modal.custom_id, pending);
    this.modals.set(i.userId, byId);
    return pending;
  }

  /** Another node opened this user's modal with this custom_id: drops this node's if it was opened earlier. */
  replacedElsewhere(userId: string, customId: string, expiresAtMs: number): void {
    const byId = this.modals.get(userId);
    const modal = byId?.get(customId);
    if (!byId || !modal || modal.expiresAtMs >= expiresAtMs) return;
    byId.delete(customId);
    if (byId.size === 0) this.modals.delete(userId);
  }

  /** Checks a submission against the open modal and closes it; throws 50035 when it does not fit. */
  take(userId: string, applicationId: string, channelId: string, data: ModalSubmission, now: number): PendingModal {
    const modal = this.peek(userId, applicationId, channelId, data.custom_id, now);
    if (!modal) throw noSuchModal();
    const values = new Map(data.components.flatMap((row) => row.components.map((c) => [c.custom_id, c.value] as const)));
    const errors = new FieldErrorList();
    for (const [index, field] of modal.components.entries()) {
      const value = values.get(field.custom_id) ?? '';
      if (field.required && value.trim() === '') errors.add(['data', 'components', index], 'BASE_TYPE_REQUIRED', 'This field is required');
      else if (value !== '' && (value.length < field.min_length || value.length > field.max_length)) errors.add(['data', 'components', index], 'BASE_TYPE_BAD_LENGTH', `Must be between ${field.min_length} and ${field.max_length} in length.`);
    }
    for (const key of values.keys()) if (!modal.components.some((c) => c.custom_id === key)) errors.add(['data', 'components'], 'COMPONENT_INVALID', `Unknown text input "${key}"`);
    errors.throwIfAny();
    this.modals.get(userId)?.delete(data.custom_id);
    return modal;
  }

  /** The open modal a submission with this custom_id would be checked against, or null (in a cluster: maybe another node holds it). */
  peek(userId: string, applicationId: string, channelId: string, customId: string, now: number): PendingModal | null {
    const modal = this.modals.get(userId)?.get(customId);
    return modal && modal.applicationId === applicationId && modal.channelId === channelId && modal.expiresAtMs >= now ? modal : null;
  }

  /** Drops expired modals. */
  sweep(now: number): void {
    for (const [userId, byId] of this.modals) {
      for (const [customId, m] of byId) if (m.expiresAtMs < now) byId.delete(customId);
      if (byId.size === 0) this.modals.delete(userId);
    }
  }
}

/** What a submission for a modal nobody holds gets (here, or on no node of the cluster). */
export function noSuchModal(): DomainError {
  return DomainError.fieldError('data.custom_id', 'MODAL_INVALID', 'No such modal is open');
}
