export * from "./agent-error.js";
export type * from "./brand.js";
export * from "./clock.js";
export * from "./confirm-window.js";
export * from "./eni-id.js";
export * from "./lifecycle.js";
export * from "./mac.js";
export * from "./semaphore.js";
export * from "./state-file.js";
