// Where the daemon's socket is lives with the client, which controllers
// import too (package entry "eni-agent/client"); the CLI's commands keep
// their import path.
export * from "../../client/default-socket.js";
