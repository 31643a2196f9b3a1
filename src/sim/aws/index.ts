export * from "./fake-ec2.js";
export * from "./fake-ec2-model.js";
export * from "./fake-imds.js";
export * from "./fake-imds-control.js";
export * from "./fake-imds-data.js";
export * from "./fake-token-bucket.js";
export * from "./local-http-server.js";
export * from "./seed-instance.js";
