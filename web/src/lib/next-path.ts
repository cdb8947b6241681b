/** Only a path on this site may follow sign-in: never another origin (//evil.example). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}
