/**
 * Scripted failures for the fake AWS endpoints: "the next N requests (of
 * this action, or any) answer this code, status and message".
 */
export interface FakeFault<Action extends string> {
  readonly action: Action | undefined;
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

export class FaultQueue<Action extends string> {
  private readonly queue: (FakeFault<Action> & { remaining: number })[] = [];

  /** Defaults: any action, InternalFailure, 500, "injected <code>". */
  add(count: number, fault: Partial<FakeFault<Action>> = {}): void {
    const code = fault.code ?? "InternalFailure";
    this.queue.push({
      action: fault.action,
      code,
      status: fault.status ?? 500,
      message: fault.message ?? `injected ${code}`,
      remaining: count,
    });
  }

  /** The fault the next request of `action` answers, if one is due. */
  take(action: Action): FakeFault<Action> | undefined {
    const fault = this.queue.find(
      (f) => f.remaining > 0 && (f.action === undefined || f.action === action),
    );
    if (fault) fault.remaining -= 1;
    return fault;
  }
}
