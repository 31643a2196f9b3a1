/**
 * EC2's request throttling as the fake applies it: one token bucket per
 * action (EC2's are per account and Region), refilled continuously. Kept
 * apart from the agent's own client-side limiter on purpose: the fake must
 * model EC2 independently, or a shared bug would pass every test.
 */

export interface BucketSize {
  readonly burst: number;
  readonly refillPerSecond: number;
}

/** Documented EC2 bucket sizes for the actions the agent uses. */
export const EC2_BUCKETS = {
  mutating: { burst: 50, refillPerSecond: 5 },
  networkInterface: { burst: 100, refillPerSecond: 5 },
  createTags: { burst: 100, refillPerSecond: 10 },
  describeFiltered: { burst: 100, refillPerSecond: 20 },
  describeUnfiltered: { burst: 50, refillPerSecond: 10 },
} as const satisfies Record<string, BucketSize>;

export class FakeTokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly size: BucketSize,
    private readonly now: () => number,
  ) {
    this.tokens = size.burst;
    this.updatedAtMs = now();
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  take(): boolean {
    const now = this.now();
    const refill = ((now - this.updatedAtMs) / 1000) * this.size.refillPerSecond;
    this.tokens = Math.min(this.size.burst, this.tokens + refill);
    this.updatedAtMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
