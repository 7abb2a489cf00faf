import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from './links.ts';

describe('safeHttpUrl', () => {
  it('keeps absolute http(s) URLs and refuses everything else', () => {
    expect(safeHttpUrl('https://discord.js.org')).toBe('https://discord.js.org/');
    expect(safeHttpUrl('http://127.0.0.1:8080/a?b=c')).toBe('http://127.0.0.1:8080/a?b=c');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', '/relative', 'not a url', '', null, undefined]) expect(safeHttpUrl(bad)).toBeNull();
  });
});
