export * from "./backoff.js";
export * from "./eni-identity.js";
export * from "./imds-client.js";
export * from "./parse-notices.js";
export * from "./termination-notice.js";
export * from "./termination-watcher.js";
