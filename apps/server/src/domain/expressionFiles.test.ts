import { StickerFormatType } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { LOTTIE, WEBP_ANIMATED, WEBP_LOSSLESS, WEBP_LOSSY, gif, png } from '../../test/expressionFixtures.ts';
import { decodeImageDataUri, readImage, readStickerFile } from './expressionFiles.ts';

describe('readImage', () => {
  it('reads PNG, APNG, GIF and WebP dimensions and animation from their bytes', () => {
    expect(readImage(png(32, 20))).toEqual({ format: 'png', width: 32, height: 20, animated: false });
    expect(readImage(png(8, 8, { frames: 3 }))).toEqual({ format: 'apng', width: 8, height: 8, animated: true });
    expect(readImage(gif(1))).toEqual({ format: 'gif', width: 1, height: 1, animated: false });
    expect(readImage(gif(2))).toEqual({ format: 'gif', width: 1, height: 1, animated: true });
    expect(readImage(WEBP_LOSSY)).toEqual({ format: 'webp', width: 1, height: 1, animated: false });
    expect(readImage(WEBP_LOSSLESS)).toEqual({ format: 'webp', width: 1, height: 1, animated: false });
    expect(readImage(WEBP_ANIMATED)).toMatchObject({ format: 'webp', animated: true });
  });

  it('refuses text, JPEG-less garbage, and every truncation of a valid file', () => {
    expect(readImage(Buffer.from('hello, not an image'))).toBeNull();
    expect(readImage(new Uint8Array(0))).toBeNull();
    for (const file of [png(4, 4), gif(2)]) {
      for (let cut = 0; cut < file.length - 1; cut++) expect(readImage(file.subarray(0, cut)), `cut at ${cut}`).toBeNull();
    }
  });

  it('never throws on random or mutated bytes', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const seeds = [png(4, 4), png(4, 4, { frames: 2 }), gif(3), WEBP_LOSSY, WEBP_LOSSLESS, WEBP_ANIMATED];
    for (let i = 0; i < 5000; i++) {
      const base = Buffer.from(seeds[i % seeds.length]!);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) base[Math.floor(rand() * base.length)] = Math.floor(rand() * 256);
      expect(() => readImage(base)).not.toThrow();
      expect(() => readStickerFile(base)).not.toThrow();
    }
  });

  it('refuses images with a zero or huge side', () => {
    expect(readImage(png(0, 4))).toBeNull();
    expect(readImage(png(5000, 1))).toBeNull();
  });
});

describe('readStickerFile', () => {
  it('maps PNG, APNG, GIF and Lottie to their format types and refuses WebP', () => {
    expect(readStickerFile(png(320, 320))?.format_type).toBe(StickerFormatType.PNG);
    expect(readStickerFile(png(16, 16, { frames: 2 }))?.format_type).toBe(StickerFormatType.APNG);
    expect(readStickerFile(gif(2))?.format_type).toBe(StickerFormatType.GIF);
    expect(readStickerFile(LOTTIE)?.format_type).toBe(StickerFormatType.LOTTIE);
    expect(readStickerFile(WEBP_LOSSY)).toBeNull();
    expect(readStickerFile(Buffer.from('{"not":"lottie"}'))).toBeNull();
  });
});

describe('decodeImageDataUri', () => {
  it('decodes base64 image data URIs and refuses anything else', () => {
    expect(decodeImageDataUri(`data:image/jpg;base64,${png(2, 2).toString('base64')}`)?.equals(png(2, 2))).toBe(true);
    expect(decodeImageDataUri('https://example.com/a.png')).toBeNull();
    expect(decodeImageDataUri('data:text/plain;base64,aGVsbG8=')).toBeNull();
    expect(decodeImageDataUri('data:image/png;base64,@@@@')).toBeNull();
    expect(decodeImageDataUri('data:image/png;base64,')).toBeNull();
  });
});
