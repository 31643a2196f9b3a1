export * from "./fake-imds.js";
export * from "./fake-imds-data.js";
export * from "./local-http-server.js";
