/**
 * Replaces an error's message and the same words in its stack, which is what Pulumi prints. V8 formats
 * `stack` lazily, on its first read, from the message as it is then: so the stack is read before the
 * message changes. Read after, it would already hold the new message, and replacing the old message (a
 * prefix of the new one) inside it would repeat every added suffix.
 */
export function setMessage(error: Error, message: string): void {
  const stack = error.stack;
  const old = error.message;
  error.message = message;
  if (stack?.includes(old)) error.stack = stack.replace(old, message);
}
