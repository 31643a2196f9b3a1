import type { ConformanceResult } from "./conformance-types.js";

/** A row or check that threw (an unexpected read error) is a failure, not an abort. */
export async function guarded(
  id: string,
  run: () => Promise<ConformanceResult>,
): Promise<ConformanceResult> {
  try {
    return await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { id, ok: false, skipped: false, expected: "-", actual: "threw", detail: message };
  }
}
