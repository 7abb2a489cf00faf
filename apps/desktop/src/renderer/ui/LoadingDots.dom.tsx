// The animated three dots shown while something is on its way (typing, a bot thinking, a busy button).

/** The animated three dots of "is typing…", "is thinking…" and busy buttons. */
export function LoadingDots({ label }: { label?: string }) {
  return (
    <span className="typing-dots" role={label ? 'status' : undefined} aria-label={label} aria-hidden={label ? undefined : true}>
      <i />
      <i />
      <i />
    </span>
  );
}
