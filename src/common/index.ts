export * from "./agent-error.js";
export type * from "./brand.js";
export * from "./lifecycle.js";
