// Draws the app's icon (a blurple disc with a white ring open on the right, a "C") as raw pixels,
// so the tray needs no image file inside the asar. build/scripts/writeAppIcon.ts encodes the same
// drawing as the PNG electron-builder uses for installers.

export const ICON_BACKGROUND_RGB = [0x58, 0x65, 0xf2] as const;

/**
 * Pixels, 4 bytes each, rows top to bottom. 'rgba' is straight alpha (what PNG wants); 'bgra' is
 * premultiplied, the layout nativeImage.createFromBitmap takes (Skia's N32 on every platform).
 */
export function drawAppIcon(size: number, order: 'bgra' | 'rgba'): Buffer {
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new RangeError(`icon size must be 8..1024, got ${size}`);
  const pixels = Buffer.alloc(size * size * 4);
  const center = (size - 1) / 2;
  const radius = size / 2;
  const ringOuter = radius * 0.62;
  const ringInner = radius * 0.38;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - center;
      const dy = y - center;
      const distance = Math.hypot(dx, dy);
      // Anti-aliased edge: coverage falls from 1 to 0 over the last pixel.
      const coverage = Math.max(0, Math.min(1, radius - distance));
      if (coverage === 0) continue;
      const inRing = distance <= ringOuter && distance >= ringInner;
      const inGap = dx > 0 && Math.abs(dy) < radius * 0.22;
      const [r, g, b] = inRing && !inGap ? [255, 255, 255] : ICON_BACKGROUND_RGB;
      const offset = (y * size + x) * 4;
      const scale = order === 'bgra' ? coverage : 1;
      pixels[offset] = Math.round((order === 'bgra' ? b : r) * scale);
      pixels[offset + 1] = Math.round(g * scale);
      pixels[offset + 2] = Math.round((order === 'bgra' ? r : b) * scale);
      pixels[offset + 3] = Math.round(coverage * 255);
    }
  }
  return pixels;
}
