/** The errno name a promise rejects with, or "OK" when it resolves. */
export async function errnoOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as { errno?: string }).errno ?? String(err);
  }
}
