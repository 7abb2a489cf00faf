import { describe, expect, it } from 'vitest';
import { drawAppIcon, ICON_BACKGROUND_RGB } from './trayIcon.main.ts';

describe('drawAppIcon', () => {
  it('draws an opaque blurple disc with transparent corners', () => {
    const size = 32;
    const rgba = drawAppIcon(size, 'rgba');
    expect(rgba).toHaveLength(size * size * 4);
    expect(rgba.readUInt32BE(0)).toBe(0); // top-left corner: transparent
    const edge = (Math.floor(size / 2) * size + 1) * 4; // left edge, middle row: background colour
    expect([...rgba.subarray(edge, edge + 4)]).toEqual([...ICON_BACKGROUND_RGB, 255]);
  });

  it('premultiplies alpha in the BGRA layout Electron takes', () => {
    const bgra = drawAppIcon(16, 'bgra');
    for (let i = 0; i < bgra.length; i += 4) {
      const alpha = bgra[i + 3] ?? 0;
      for (let c = 0; c < 3; c++) expect(bgra[i + c] ?? 0).toBeLessThanOrEqual(alpha);
    }
  });

  it('refuses silly sizes', () => {
    expect(() => drawAppIcon(0, 'rgba')).toThrow(RangeError);
  });
});
