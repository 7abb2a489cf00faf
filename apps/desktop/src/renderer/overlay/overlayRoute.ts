// Whether this document is the overlay window (main loads the same build at #/overlay).
import { OVERLAY_ROUTE_HASH } from '../../shared/hotkeysBridge.ts';

export function isOverlayRoute(): boolean {
  return typeof location !== 'undefined' && location.hash === OVERLAY_ROUTE_HASH;
}
