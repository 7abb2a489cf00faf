import { describe, expect, it } from 'vitest';
import { hchacha20 } from './hchacha20.ts';

describe('hchacha20', () => {
  it('matches the draft-irtf-cfrg-xchacha-03 section 2.2.1 test vector', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Buffer.from('000000090000004a0000000031415927', 'hex');
    expect(Buffer.from(hchacha20(key, nonce)).toString('hex')).toBe(
      '82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc',
    );
  });

  it('writes into the buffer it is given and rejects wrong sizes', () => {
    const out = new Uint8Array(32);
    expect(hchacha20(new Uint8Array(32), new Uint8Array(16), out)).toBe(out);
    expect(() => hchacha20(new Uint8Array(31), new Uint8Array(16))).toThrow(RangeError);
    expect(() => hchacha20(new Uint8Array(32), new Uint8Array(15))).toThrow(RangeError);
  });
});
