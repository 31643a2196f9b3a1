/**
 * The release plan: what the agent does when the instance is going away
 * (release-plan.ts says how it runs). plan-record.ts is the journaled record
 * and the pure rules that build it; execute-plan.ts runs one; eni-release.ts
 * is the EC2 work on one owned ENI; lifecycle-run.ts completes the Auto
 * Scaling lifecycle action; plan-store.ts keeps records durable.
 */
export * from "./plan-record.js";
export * from "./plan-store.js";
export * from "./release-plan.js";
