/** Entry point of the `eni-agent` command. The only module that touches `process`. */
const [command = "help"] = process.argv.slice(2);
process.stdout.write(`eni-agent: ${command}: not implemented yet\n`);
