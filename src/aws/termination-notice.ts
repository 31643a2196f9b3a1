/**
 * What the termination watcher reports. Every notice is a discriminated union
 * member with a content key (for deduplication), the deadline by which the
 * release plan must be done, and whether the configured policy makes it act.
 */

export type SpotAction = "terminate" | "stop" | "hibernate";
export const SPOT_ACTIONS: readonly SpotAction[] = ["terminate", "stop", "hibernate"];

/** Codes of `events/maintenance/scheduled`; others may appear and are kept as strings. */
type ScheduledEventCode =
  | "instance-reboot"
  | "system-reboot"
  | "system-maintenance"
  | "instance-retirement"
  | "instance-stop";

/** Lifecycle states that mean the Auto Scaling group is taking the instance away. */
export type AsgTerminatingState = "Terminated" | "Warmed:Terminated";

export type NoticeSource = "spot" | "asg" | "scheduled" | "rebalance";
export const NOTICE_SOURCES: readonly NoticeSource[] = ["spot", "asg", "scheduled", "rebalance"];

/**
 * A notice as parsed from one IMDS answer, before the watcher stamps it.
 * `key` says what the notice means, never when it was seen or what time it
 * carries: spot `spot:<action>`, ASG `asg:<state>`, scheduled
 * `scheduled:<EventId>`, rebalance `rebalance`. The same key with another
 * deadline is the same notice, changed.
 */
export type NoticeDetail =
  | {
      readonly kind: "spot-interruption";
      readonly key: string;
      readonly action: SpotAction;
      /** The interruption time from the notice, epoch ms. */
      readonly deadlineMs: number;
    }
  | {
      readonly kind: "asg-terminating";
      readonly key: string;
      readonly state: AsgTerminatingState;
      /** First observation + the configured lifecycle hook timeout, epoch ms. */
      readonly deadlineMs: number;
    }
  | {
      readonly kind: "scheduled-event";
      readonly key: string;
      readonly eventId: string;
      readonly code: ScheduledEventCode | (string & {});
      readonly description: string;
      /** NotBefore, epoch ms: the event may start then. */
      readonly deadlineMs: number;
      readonly notAfterMs: number | undefined;
    }
  | {
      readonly kind: "rebalance-recommendation";
      readonly key: string;
      readonly noticeTimeMs: number;
      /** A rebalance recommendation sets no deadline: termination may never follow. */
      readonly deadlineMs: undefined;
    };

export type TerminationNotice = NoticeDetail & {
  /** When the watcher first saw the notice, epoch ms. */
  readonly observedAtMs: number;
  /** Whether the release policy makes this notice start the release plan. */
  readonly triggersRelease: boolean;
};

/** Which notices start the release plan; the others are only reported. */
export interface ReleasePolicy {
  readonly spotActions: readonly SpotAction[];
  readonly asgTerminated: boolean;
  readonly scheduledCodes: readonly string[];
  readonly rebalance: boolean;
}

/**
 * Defaults: spot terminate and stop (hibernate keeps the ENIs attached and
 * resumes), the ASG moving to Terminated, and the scheduled events that stop
 * the instance. Reboots and maintenance keep the ENIs; a rebalance
 * recommendation may never be followed by an interruption.
 */
export const DEFAULT_RELEASE_POLICY: ReleasePolicy = Object.freeze({
  spotActions: Object.freeze(["terminate", "stop"] as SpotAction[]),
  asgTerminated: true,
  scheduledCodes: Object.freeze(["instance-stop", "instance-retirement"]),
  rebalance: false,
});

export function triggersRelease(detail: NoticeDetail, policy: ReleasePolicy): boolean {
  switch (detail.kind) {
    case "spot-interruption":
      return policy.spotActions.includes(detail.action);
    case "asg-terminating":
      return policy.asgTerminated;
    case "scheduled-event":
      return policy.scheduledCodes.includes(detail.code);
    case "rebalance-recommendation":
      return policy.rebalance;
  }
}
