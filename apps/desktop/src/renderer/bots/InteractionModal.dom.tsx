// A bot's modal (interaction response type 9): its title and text inputs (short or paragraph,
// required, min/max length, prefilled value, placeholder). Submit sends a modal-submit
// interaction (type 5); the server's 50035 errors show under the inputs they name.
import { useState } from 'react';
import type { InteractionModal as ModalData } from './botDecoders.ts';
import { submitModal } from './interactions.ts';
import { useUiStore } from '../state/uiStore.ts';
import { Modal } from '../ui/Modal.dom.tsx';

export function InteractionModal({ modal, applicationId, channelId, messageId }: { modal: ModalData; applicationId: string; channelId: string; messageId: string | null }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(modal.inputs.map((i) => [i.customId, i.value])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const local: Record<string, string> = {};
    for (const input of modal.inputs) {
      const v = values[input.customId] ?? '';
      if (input.required && v.trim() === '') local[input.customId] = 'This field is required.';
      else if (v !== '' && v.length < input.minLength) local[input.customId] = `Must be at least ${input.minLength} characters long.`;
    }
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    setGeneral(null);
    const opened = useUiStore.getState().modal;
    const outcome = await submitModal({ applicationId, channelId }, modal, messageId, values);
    setBusy(false);
    switch (outcome.status) {
      case 'done':
        // A modal answered with another modal has already replaced this one.
        if (useUiStore.getState().modal === opened) useUiStore.getState().closeModal();
        return;
      case 'invalid':
        setErrors(outcome.byInput);
        setGeneral(outcome.general);
        return;
      case 'failed':
        setGeneral(outcome.error);
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unhandled modal outcome ${JSON.stringify(never)}`);
      }
    }
  };
  return (
    <Modal
      title={modal.title}
      align="left"
      testId="interaction-modal"
      width={440}
      footer={
        <>
          <button type="button" className="btn link" onClick={() => useUiStore.getState().closeModal()}>
            Cancel
          </button>
          <button type="button" className="btn" data-testid="interaction-modal-submit" disabled={busy} onClick={() => void submit()}>
            Submit
          </button>
        </>
      }
    >
      <form
        className="interaction-modal"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {modal.inputs.map((input, i) => {
          const id = `modal-input-${i}`;
          const value = values[input.customId] ?? '';
          const error = errors[input.customId];
          const common = {
            id,
            className: 'input',
            value,
            maxLength: input.maxLength,
            placeholder: input.placeholder ?? '',
            autoFocus: i === 0,
            'data-testid': 'interaction-modal-input',
            'data-custom-id': input.customId,
            'aria-invalid': error ? true : undefined,
            onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setValues((v) => ({ ...v, [input.customId]: e.target.value })),
          };
          return (
            <div className="field" key={input.customId}>
              <label htmlFor={id} className={error ? 'has-error' : ''}>
                {input.label}
                {input.required ? <span className="required-star"> *</span> : null}
                {error ? <span className="err" data-testid="interaction-modal-error"> — {error}</span> : null}
              </label>
              {input.style === 2 ? <textarea rows={4} {...common} /> : <input {...common} />}
              {input.maxLength < 4000 || input.style === 2 ? (
                <div className="hint" style={{ textAlign: 'right' }}>
                  {value.length}/{input.maxLength}
                </div>
              ) : null}
            </div>
          );
        })}
        {general ? (
          <div className="form-error" data-testid="interaction-modal-general-error">
            {general}
          </div>
        ) : null}
        <button type="submit" hidden />
      </form>
    </Modal>
  );
}
