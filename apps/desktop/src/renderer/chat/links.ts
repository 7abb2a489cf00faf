// Links that bots and embeds put in messages: only http(s) URLs become clickable (no javascript:,
// data: or file: links from other people's content).

/** The URL normalised, or null when it is not an absolute http(s) URL. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
