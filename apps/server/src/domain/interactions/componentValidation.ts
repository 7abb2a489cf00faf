// A click or a select on a message component: the component must exist on the message, be enabled
// and of the type the client says, and the selected values must be among its options (string
// selects) or name users, roles and channels the invoker can see (the other selects).
import { ComponentType, type CreateInteractionInput } from '@concord/protocol';
import type { MessageRecord } from '../../store/records.ts';
import { DomainError } from '../DomainError.ts';
import type { Resolver } from './Resolver.ts';

export type ComponentInvocation = Extract<CreateInteractionInput, { type: 3 }>['data'];

interface StoredComponent {
  type?: unknown;
  custom_id?: unknown;
  disabled?: unknown;
  min_values?: unknown;
  max_values?: unknown;
  options?: unknown;
  components?: unknown;
}

/** data of a component interaction, checked against the component on the message. */
export function componentData(message: MessageRecord, input: ComponentInvocation, resolved: Resolver): Record<string, unknown> {
  const component = findComponent(message.components, input.custom_id);
  if (!component || component.type !== input.component_type) throw DomainError.fieldError('data.custom_id', 'COMPONENT_INVALID', 'No such component on this message');
  if (component.disabled === true) throw DomainError.fieldError('data.custom_id', 'COMPONENT_DISABLED', 'This component is disabled');
  const out: Record<string, unknown> = { custom_id: input.custom_id, component_type: input.component_type };
  if (input.component_type === ComponentType.BUTTON) return out;
  const values = input.values ?? [];
  const min = typeof component.min_values === 'number' ? component.min_values : 1;
  const max = typeof component.max_values === 'number' ? component.max_values : 1;
  if (values.length < min || values.length > max) throw DomainError.fieldError('data.values', 'BASE_TYPE_BAD_LENGTH', `Must pick between ${min} and ${max} values`);
  for (const v of values) {
    let ok: boolean;
    switch (input.component_type) {
      case ComponentType.STRING_SELECT:
        ok = Array.isArray(component.options) && component.options.some((o: unknown) => typeof o === 'object' && o !== null && 'value' in o && o.value === v);
        break;
      case ComponentType.USER_SELECT:
        ok = resolved.user(v);
        break;
      case ComponentType.ROLE_SELECT:
        ok = resolved.role(v);
        break;
      case ComponentType.MENTIONABLE_SELECT:
        ok = resolved.role(v) || resolved.user(v);
        break;
      case ComponentType.CHANNEL_SELECT:
        ok = resolved.channel(v) !== null;
        break;
      default:
        ok = false;
    }
    if (!ok) throw DomainError.fieldError('data.values', 'COMPONENT_VALUE_INVALID', `Invalid value "${v}"`);
  }
  out['values'] = values;
  const r = resolved.result();
  if (r) out['resolved'] = r;
  return out;
}

/** The component with a custom_id among a message's action rows (stored components were validated when sent). */
function findComponent(components: unknown[], customId: string): StoredComponent | null {
  for (const row of components) {
    if (typeof row !== 'object' || row === null || !('components' in row) || !Array.isArray(row.components)) continue;
    for (const c of row.components as unknown[]) {
      if (typeof c === 'object' && c !== null && 'custom_id' in c && c.custom_id === customId) return c;
    }
  }
  return null;
}
