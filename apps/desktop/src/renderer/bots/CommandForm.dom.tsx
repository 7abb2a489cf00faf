// The composer while a slash command is being filled in, as Discord shows it: the command chip,
// one pill per option field (required ones from the start, optional ones added from the list or
// by typing their name), and a popup above with the command, the focused option's description
// and what can be picked for it: choices, True/False, members / roles / channels, or the bot's
// autocomplete suggestions (fetched as the user types). Enter runs the command; Esc leaves.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApplicationCommandOptionType as Opt } from '@concord/protocol';
import { useCommandDraftStore, type CommandDraft } from './commandDraftStore.ts';
import { OPTION_TYPE_LABELS, type OptionDraft } from './slashCommands.ts';
import type { CommandOption } from './botDecoders.ts';
import { requestAutocomplete, sendCommand } from './interactions.ts';
import { errorText } from '../session/actions.ts';
import { useEntityChoices } from './useEntityChoices.dom.tsx';
import { CloseIcon } from '../ui/Icons.dom.tsx';
import { LoadingDots } from '../ui/LoadingDots.dom.tsx';
import { withoutKey } from '../state/records.ts';

interface Suggestion {
  key: string;
  label: string;
  value: string | number | boolean;
  hint?: string | null;
  icon?: React.ReactNode;
}

type AutocompleteState = { option: string; status: 'loading' | 'ready' | 'failed'; choices: Suggestion[]; error: string | null };

const MAX_SUGGESTIONS = 25;

function isPicked(d: OptionDraft | undefined): boolean {
  return !!d?.picked && d.text === d.picked.label;
}

export function CommandForm({ channelId, guildId }: { channelId: string; guildId: string | undefined }) {
  const draft = useCommandDraftStore((s) => s.byChannel[channelId]);
  const [active, setActive] = useState(0);
  const [tail, setTail] = useState('');
  const [ac, setAc] = useState<AutocompleteState | null>(null);
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const tailRef = useRef<HTMLInputElement>(null);

  const focusedName = draft?.focused ?? null;
  const focused = draft?.entry.options.find((o) => o.name === focusedName) ?? null;
  const focusedDraft = focusedName ? draft?.values[focusedName] : undefined;
  const focusedText = focusedDraft?.text ?? '';

  const entityKinds = {
    users: focused?.type === Opt.USER || focused?.type === Opt.MENTIONABLE,
    roles: focused?.type === Opt.ROLE || focused?.type === Opt.MENTIONABLE,
    channels: focused?.type === Opt.CHANNEL,
    channelTypes: focused?.channelTypes ?? [],
  };
  const entities = useEntityChoices(guildId, entityKinds);
  const wantsEntities = entityKinds.users || entityKinds.roles || entityKinds.channels;

  // Ask the bot for suggestions while an autocomplete option is focused (debounced: the route
  // allows 10 interactions per 5 seconds).
  const autocomplete = focused?.autocomplete === true;
  const picked = isPicked(focusedDraft);
  useEffect(() => {
    if (!autocomplete || !focusedName || picked) return;
    let cancelled = false;
    setAc((cur) => ({ option: focusedName, status: 'loading', choices: cur?.option === focusedName ? cur.choices : [], error: null }));
    const timer = setTimeout(() => {
      requestAutocomplete(channelId, focusedName).then(
        (choices) => {
          if (!cancelled) setAc({ option: focusedName, status: 'ready', choices: choices.map((c) => ({ key: String(c.value), label: c.name, value: c.value })), error: null });
        },
        (err: unknown) => {
          if (!cancelled) setAc({ option: focusedName, status: 'failed', choices: [], error: errorText(err) });
        },
      );
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [autocomplete, focusedName, focusedText, picked, channelId]);

  const suggestions = useMemo<Suggestion[]>(() => {
    if (!draft) return [];
    if (!focused) {
      const q = tail.trim().toLowerCase();
      return draft.entry.options
        .filter((o) => !draft.shown.includes(o.name) && o.name.toLowerCase().startsWith(q))
        .map((o) => ({ key: o.name, label: o.name, value: o.name, hint: o.description }));
    }
    const q = picked ? '' : focusedText.trim().toLowerCase();
    const match = (label: string) => label.toLowerCase().includes(q);
    if (focused.choices.length > 0) return focused.choices.filter((c) => match(c.name)).map((c) => ({ key: String(c.value), label: c.name, value: c.value }));
    if (focused.type === Opt.BOOLEAN) return [{ key: 'true', label: 'True', value: true }, { key: 'false', label: 'False', value: false }].filter((c) => match(c.label));
    if (focused.autocomplete) return ac?.option === focused.name ? ac.choices : [];
    if (wantsEntities) {
      return entities
        .filter((e) => match(e.label) || (e.description !== null && match(e.description)))
        .slice(0, MAX_SUGGESTIONS)
        .map((e) => ({ key: e.value, label: e.label, value: e.value, hint: e.description, icon: e.icon }));
    }
    return [];
  }, [draft, focused, focusedText, picked, tail, ac, entities, wantsEntities]);

  useEffect(() => setActive(0), [focusedName, suggestions.length]);

  // Keep DOM focus on the field the draft says is focused.
  useEffect(() => {
    const el = focusedName ? inputs.current.get(focusedName) : tailRef.current;
    if (el && document.activeElement !== el) el.focus();
  }, [focusedName, draft?.shown.length, draft?.sending]);

  if (!draft) return null;
  const { entry } = draft;
  const store = useCommandDraftStore.getState();
  const setFocus = (name: string | null) => store.update(channelId, () => ({ focused: name }));
  const cancel = () => store.cancel(channelId);

  const nextField = (after: string | null): string | null => {
    const order = draft.shown;
    const from = after === null ? order.length : order.indexOf(after) + 1;
    for (const name of order.slice(from)) if (!isPicked(draft.values[name]) && !(draft.values[name]?.text ?? '').trim()) return name;
    return null;
  };

  const pick = (s: Suggestion) => {
    if (!focused) {
      store.update(channelId, (d) => ({ shown: [...d.shown, String(s.value)], focused: String(s.value) }));
      setTail('');
      return;
    }
    store.setValue(channelId, focused.name, { text: s.label, picked: { value: s.value, label: s.label } });
    setFocus(nextField(focused.name));
  };

  const removeOption = (o: CommandOption) => {
    const index = draft.shown.indexOf(o.name);
    store.update(channelId, (d) => {
      const values = { ...d.values, [o.name]: { text: '', picked: null } };
      const errors = withoutKey(d.errors, o.name);
      return { shown: d.shown.filter((n) => n !== o.name), values, errors, focused: d.shown[index - 1] ?? null };
    });
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>, option: CommandOption | null) => {
    const text = option ? (draft.values[option.name]?.text ?? '') : tail;
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && suggestions.length > 0) {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : -1) + suggestions.length) % suggestions.length);
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      const wantsPick = suggestions.length > 0 && (option ? !isPicked(draft.values[option.name]) && (text.trim() !== '' || option.choices.length > 0 || option.type === Opt.BOOLEAN) : text.trim() !== '');
      if (wantsPick) pick(suggestions[active] ?? suggestions[0]!);
      else void sendCommand(channelId);
    } else if (e.key === 'Tab') {
      e.preventDefault();
      if (suggestions.length > 0 && option && !isPicked(draft.values[option.name]) && text.trim() !== '') pick(suggestions[active] ?? suggestions[0]!);
      else {
        const order = [...draft.shown, null];
        const i = order.indexOf(option?.name ?? null);
        setFocus(order[(i + (e.shiftKey ? -1 : 1) + order.length) % order.length] ?? null);
      }
    } else if (e.key === 'Backspace' && text === '' && e.currentTarget.selectionStart === 0) {
      // Backspace walks back through the fields; past an empty first field it leaves the command.
      e.preventDefault();
      const index = option ? draft.shown.indexOf(option.name) : draft.shown.length;
      const allEmpty = draft.shown.every((n) => (draft.values[n]?.text ?? '') === '');
      if (option && !option.required) removeOption(option);
      else if (index > 0) setFocus(draft.shown[index - 1]!);
      else if (allEmpty) cancel();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    }
  };

  const errorEntries = Object.entries(draft.errors);
  const botName = entry.application?.botName ?? entry.application?.name ?? '';
  return (
    <>
      <CommandPopup draft={draft} focused={focused} suggestions={suggestions} active={active} ac={ac} botName={botName} onHover={setActive} onPick={pick} />
      {errorEntries.length > 0 || draft.general ? (
        <div className="composer-context command-errors" data-testid="command-errors" role="alert">
          {errorEntries.map(([name, message]) => (
            <div key={name} data-testid="command-error" data-option={name}>
              <strong>{name}</strong> {message}
            </div>
          ))}
          {draft.general ? <div data-testid="command-error-general">{draft.general}</div> : null}
        </div>
      ) : null}
      <div className={`composer command-mode ${draft.sending ? 'sending' : ''}`} data-testid="command-form" data-command={entry.fullName}>
        <div
          className="command-line"
          onMouseDown={(e) => {
            // A click on the empty part of the line goes to the trailing input (to add options).
            if (e.target !== e.currentTarget) return;
            e.preventDefault();
            setFocus(null);
            tailRef.current?.focus();
          }}
        >
          <span className="command-chip" data-testid="command-chip">
            /{entry.fullName}
          </span>
          {draft.shown.map((name) => {
            const option = entry.options.find((o) => o.name === name);
            if (!option) return null;
            const value = draft.values[name] ?? { text: '', picked: null };
            return (
              <label key={name} className={`option-pill ${name === focusedName ? 'focused' : ''} ${draft.errors[name] ? 'invalid' : ''}`} data-testid="command-option" data-option={name}>
                <span className="pill-name">{name}</span>
                <input
                  ref={(el) => {
                    if (el) inputs.current.set(name, el);
                    else inputs.current.delete(name);
                  }}
                  value={value.text}
                  disabled={draft.sending}
                  spellCheck={false}
                  aria-label={`${name}${option.required ? ' (required)' : ''}: ${option.description}`}
                  data-testid="command-option-input"
                  onFocus={() => name !== focusedName && setFocus(name)}
                  onChange={(e) => store.setValue(channelId, name, { text: e.target.value, picked: value.picked })}
                  onKeyDown={(e) => onKeyDown(e, option)}
                />
              </label>
            );
          })}
          <input
            ref={tailRef}
            className="command-tail"
            value={tail}
            disabled={draft.sending}
            spellCheck={false}
            aria-label={`/${entry.fullName}: add an option, or press Enter to send`}
            data-testid="command-tail"
            onFocus={() => focusedName !== null && setFocus(null)}
            onChange={(e) => setTail(e.target.value.replace(/\s/g, ''))}
            onKeyDown={(e) => onKeyDown(e, null)}
          />
        </div>
        {draft.sending ? (
          <LoadingDots label="Sending" />
        ) : null}
        <button type="button" className="icon-button" aria-label="Cancel command" title="Cancel (Esc)" onClick={cancel} data-testid="command-cancel">
          <CloseIcon size={18} />
        </button>
      </div>
    </>
  );
}

function CommandPopup({ draft, focused, suggestions, active, ac, botName, onHover, onPick }: {
  draft: CommandDraft;
  focused: CommandOption | null;
  suggestions: Suggestion[];
  active: number;
  ac: AutocompleteState | null;
  botName: string;
  onHover: (i: number) => void;
  onPick: (s: Suggestion) => void;
}) {
  const { entry } = draft;
  const acState = focused?.autocomplete && ac?.option === focused.name ? ac : null;
  return (
    <div className="autocomplete command-popup" data-testid="command-popup">
      <div className="cmd-popup-head">
        <span className="cmd-name">/{entry.fullName}</span>
        <span className="cmd-desc">{entry.description}</span>
        <span className="ac-hint">{botName}</span>
      </div>
      {focused ? (
        <div className="cmd-option-head" data-testid="command-option-help">
          <span className="pill-name">{focused.name}</span>
          <span>{focused.description}</span>
          <span className="ac-hint">
            {OPTION_TYPE_LABELS[focused.type] ?? ''}
            {focused.required ? ' · required' : ' · optional'}
            {focused.minValue !== null || focused.maxValue !== null ? ` · ${focused.minValue ?? '−∞'}–${focused.maxValue ?? '∞'}` : ''}
            {focused.maxLength !== null ? ` · max ${focused.maxLength} characters` : ''}
          </span>
        </div>
      ) : suggestions.length > 0 ? (
        <div className="ac-title">Optional</div>
      ) : null}
      {acState?.status === 'loading' && suggestions.length === 0 ? <div className="ac-empty">Loading options…</div> : null}
      {acState?.status === 'failed' ? <div className="ac-empty error">Loading options failed: {acState.error}</div> : null}
      {acState?.status === 'ready' && suggestions.length === 0 ? <div className="ac-empty">No suggestions</div> : null}
      <div className="cmd-suggestions" role="listbox">
        {suggestions.map((s, i) => (
          <div
            key={s.key}
            role="option"
            aria-selected={i === active}
            className={`ac-item ${i === active ? 'active' : ''}`}
            data-testid={focused ? 'command-suggestion' : 'command-optional-option'}
            data-value={String(s.value)}
            onMouseEnter={() => onHover(i)}
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(s);
            }}
          >
            {s.icon ?? null}
            <span>{s.label}</span>
            {s.hint ? <span className="ac-hint">{s.hint}</span> : null}
          </div>
        ))}
      </div>
    </div>
  );
}
