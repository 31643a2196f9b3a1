/** Minimal TAP 13 output: points as they come, the plan and a summary at the end. */
export class TapWriter {
  passed = 0;
  failed = 0;
  readonly #out: (line: string) => void;

  constructor(out: (line: string) => void) {
    this.#out = out;
    this.#out("TAP version 13");
  }

  point(ok: boolean, title: string, diagnostics: Record<string, string> = {}): void {
    if (ok) this.passed++;
    else this.failed++;
    const n = this.passed + this.failed;
    this.#out(`${ok ? "ok" : "not ok"} ${n} - ${title.replaceAll("#", "\\#")}`);
    const keys = Object.keys(diagnostics);
    if (keys.length === 0) return;
    this.#out("  ---");
    for (const key of keys) {
      const lines = (diagnostics[key] ?? "").split("\n");
      this.#out(`  ${key}: |-`);
      for (const line of lines) this.#out(`    ${line}`);
    }
    this.#out("  ...");
  }

  skipAll(reason: string): void {
    this.#out(`1..0 # SKIP ${reason}`);
  }

  end(summary: string): void {
    this.#out(`1..${this.passed + this.failed}`);
    this.#out(`# ${this.passed} passed, ${this.failed} failed (${summary})`);
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
