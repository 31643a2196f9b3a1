/**
 * Client-side token buckets, one per EC2 action, sized like EC2's own
 * (documented per account and Region). They keep one agent from spending the
 * account's shared budget in a burst; they cannot see the rest of the fleet,
 * so EC2 may still answer RequestLimitExceeded and the SDK retries then.
 * Waiting for a token is bounded by the call's deadline.
 */
import { AgentError, type Clock, wallClock } from "../common/index.js";

export type Ec2ApiAction =
  | "DescribeNetworkInterfaces"
  | "DescribeInstances"
  | "DetachNetworkInterface"
  | "DeleteNetworkInterface"
  | "ModifyNetworkInterfaceAttribute"
  | "CreateTags";

export interface RateLimit {
  readonly burst: number;
  readonly refillPerSecond: number;
}

/**
 * EC2's documented buckets. Describes count as filtered and paginated (the
 * cheaper bucket) because this layer never sends any other kind.
 */
const EC2_RATE_LIMITS: Readonly<Record<Ec2ApiAction, RateLimit>> = {
  DescribeNetworkInterfaces: { burst: 100, refillPerSecond: 20 },
  DescribeInstances: { burst: 100, refillPerSecond: 20 },
  DetachNetworkInterface: { burst: 50, refillPerSecond: 5 },
  DeleteNetworkInterface: { burst: 100, refillPerSecond: 5 },
  ModifyNetworkInterfaceAttribute: { burst: 100, refillPerSecond: 5 },
  CreateTags: { burst: 100, refillPerSecond: 10 },
};

interface Bucket {
  tokens: number;
  updatedAtMs: number;
  readonly limit: RateLimit;
}

export class Ec2RateLimiter {
  private readonly buckets = new Map<Ec2ApiAction, Bucket>();

  constructor(
    private readonly limits: Partial<Record<Ec2ApiAction, RateLimit>> = {},
    private readonly clock: Clock = wallClock,
  ) {}

  /**
   * Takes one token for `action`, waiting for the refill if needed. Throws
   * DEADLINE_EXCEEDED when the wait would pass `deadlineMs` (on the
   * limiter's clock), ABORTED when `signal` fires.
   */
  async acquire(action: Ec2ApiAction, deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const bucket = this.bucket(action);
    for (;;) {
      const now = this.clock.now();
      const refill = ((now - bucket.updatedAtMs) / 1000) * bucket.limit.refillPerSecond;
      bucket.tokens = Math.min(bucket.limit.burst, bucket.tokens + refill);
      bucket.updatedAtMs = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - bucket.tokens) / bucket.limit.refillPerSecond) * 1000);
      if (now + waitMs >= deadlineMs) {
        throw new AgentError(
          "DEADLINE_EXCEEDED",
          `${action}: the client-side rate limit would delay the call past its deadline`,
          { remedy: "spread EC2 calls out, or set DeleteOnTermination ahead of time" },
        );
      }
      await this.clock.sleep(waitMs, signal).catch((reason: unknown) => {
        throw new AgentError("ABORTED", `${action}: aborted while rate limited`, { cause: reason });
      });
    }
  }

  private bucket(action: Ec2ApiAction): Bucket {
    let bucket = this.buckets.get(action);
    if (!bucket) {
      const limit = this.limits[action] ?? EC2_RATE_LIMITS[action];
      bucket = { tokens: limit.burst, updatedAtMs: this.clock.now(), limit };
      this.buckets.set(action, bucket);
    }
    return bucket;
  }
}
