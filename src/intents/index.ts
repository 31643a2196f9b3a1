export * from "./decide.js";
export * from "./eni-intents.js";
export * from "./intent-store.js";
export type * from "./intent-types.js";
export * from "./parse-intent.js";
export * from "./request-ledger.js";
