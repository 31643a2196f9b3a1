/** A termination notice from the watcher (src/aws) in the API's terms. */
import type { TerminationNotice as AwsNotice } from "../aws/index.js";
import type { TerminationNotice } from "../server/core-types.js";

export function toCoreNotice(notice: AwsNotice): TerminationNotice {
  const deadline = notice.deadlineMs === undefined ? null : new Date(notice.deadlineMs);
  switch (notice.kind) {
    case "spot-interruption":
      return { source: "spot_interruption", action: notice.action, deadline, noticeId: notice.key };
    case "asg-terminating":
      return { source: "autoscaling", action: notice.state, deadline, noticeId: notice.key };
    case "scheduled-event":
      return { source: "scheduled_event", action: notice.code, deadline, noticeId: notice.key };
    case "rebalance-recommendation":
      return {
        source: "rebalance_recommendation",
        action: "rebalance",
        deadline,
        noticeId: notice.key,
      };
  }
}
