import { describe, expect, it } from 'vitest';
import { isEmojiOnly, parseInline, parseMarkdown, toPlainText } from './markdown.ts';

describe('markdown parser', () => {
  it('parses bold, italic, underline, strikethrough and spoilers', () => {
    expect(parseInline('**b** *i* __u__ ~~s~~ ||x||')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'i' }] },
      { type: 'text', text: ' ' },
      { type: 'underline', children: [{ type: 'text', text: 'u' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 's' }] },
      { type: 'text', text: ' ' },
      { type: 'spoiler', children: [{ type: 'text', text: 'x' }] },
    ]);
  });

  it('reads ***x*** as bold italic', () => {
    expect(parseInline('***x***')).toEqual([{ type: 'strong', children: [{ type: 'em', children: [{ type: 'text', text: 'x' }] }] }]);
  });

  it('does not italicise underscores inside words', () => {
    expect(parseInline('snake_case_name')).toEqual([{ type: 'text', text: 'snake_case_name' }]);
  });

  it('keeps code spans and blocks literal', () => {
    expect(parseInline('`**not bold**`')).toEqual([{ type: 'code', text: '**not bold**' }]);
    expect(parseMarkdown('```ts\nconst a = 1 *2* 3;\n```')).toEqual([{ type: 'codeBlock', lang: 'ts', text: 'const a = 1 *2* 3;' }]);
  });

  it('turns only http(s) URLs into links', () => {
    expect(parseInline('see https://example.com/a.')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'link', url: 'https://example.com/a', children: [{ type: 'text', text: 'https://example.com/a' }] },
      { type: 'text', text: '.' },
    ]);
    expect(parseInline('[click](javascript:alert(1))').some((n) => n.type === 'link')).toBe(false);
    expect(parseInline('[docs](https://d.example)')[0]).toEqual({ type: 'link', url: 'https://d.example/', children: [{ type: 'text', text: 'docs' }] });
  });

  it('parses mentions, channels, roles and custom emoji', () => {
    expect(parseInline('<@123> <@!4> <@&5> <#6> @everyone <:pog:77>').filter((n) => n.type !== 'text')).toEqual([
      { type: 'userMention', id: '123' },
      { type: 'userMention', id: '4' },
      { type: 'roleMention', id: '5' },
      { type: 'channelMention', id: '6' },
      { type: 'everyone', text: '@everyone' },
      { type: 'customEmoji', name: 'pog', id: '77', animated: false },
    ]);
  });

  it('groups "> " lines into one block quote and ">>> " quotes the rest', () => {
    expect(parseMarkdown('> a\n> b\nc')).toEqual([
      { type: 'blockquote', children: [{ type: 'text', text: 'a' }, { type: 'br' }, { type: 'text', text: 'b' }] },
      { type: 'text', text: 'c' },
    ]);
    expect(parseMarkdown('x\n>>> a\nb')[1]).toEqual({ type: 'blockquote', children: [{ type: 'text', text: 'a' }, { type: 'br' }, { type: 'text', text: 'b' }] });
  });

  it('leaves HTML as text', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([{ type: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });

  it('honours backslash escapes', () => {
    expect(parseInline('\\*not italic\\*')).toEqual([{ type: 'text', text: '*not italic*' }]);
  });

  it('survives deeply nested and unbalanced input', () => {
    const evil = '**'.repeat(500) + '__'.repeat(500) + '||'.repeat(3) + '`'.repeat(7);
    expect(() => parseMarkdown(evil)).not.toThrow();
    expect(toPlainText('**a** ||b|| `c`')).toBe('a ▒▒▒▒ c');
  });

  /** Best of three runs: the bound is about the algorithm, not about a busy machine's worst moment. */
  const parseMs = (src: string): number => {
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      parseMarkdown(src);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const repeatTo = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const PATHOLOGICAL = ['`', '*', '_', '~', '|', '> \n', '>\n', '[', '[a', '** ', '**a', '*a', '_a ', '`a', '|a', '~a', '<http://', '](http://a', '```', '@', '\\'];

  it('parses each pathological 4,000-character message in well under 50 ms', () => {
    for (const unit of PATHOLOGICAL) expect(parseMs(repeatTo(unit, 4000)), JSON.stringify(unit)).toBeLessThan(50);
  });

  it('stays linear on 20,000 characters of openers without closers in well under 200 ms (the regex rules rescanned: [ took 450 ms; the bound is loose because the machine may be busy)', () => {
    for (const unit of ['[', '[a', '<http://', '](http://a', '`a', '|a']) expect(parseMs(repeatTo(unit, 20_000)), JSON.stringify(unit)).toBeLessThan(200);
  });

  it('keeps links, code spans and autolinks exact after the linear rewrite', () => {
    expect(parseInline('[a [b] c](https://x.example) [no]( https://y.example )')).toEqual([
      { type: 'link', url: 'https://x.example/', children: [{ type: 'text', text: 'a [b] c' }] },
      { type: 'text', text: ' ' },
      { type: 'link', url: 'https://y.example/', children: [{ type: 'text', text: 'no' }] },
    ]);
    expect(parseInline('```a`` ``b``')).toEqual([{ type: 'code', text: '`a' }, { type: 'text', text: ' ' }, { type: 'code', text: 'b' }]);
    expect(parseInline('http://a](http://b.example/x).')).toEqual([
      { type: 'text', text: 'http://a](' },
      { type: 'link', url: 'http://b.example/x', children: [{ type: 'text', text: 'http://b.example/x' }] },
      { type: 'text', text: ').' },
    ]);
  });

  it('detects emoji-only messages', () => {
    expect(isEmojiOnly(parseInline('🎉🎉'))).toBe(true);
    expect(isEmojiOnly(parseInline('hi 🎉'))).toBe(false);
  });
});
