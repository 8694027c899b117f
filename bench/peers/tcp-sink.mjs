// A zero-protocol TCP receiver for the machine-limit baselines: counts the bytes of one
// connection and, in "file" mode, appends every chunk to segment files with fs.writeSync (the
// ceiling of a Node broker that does no protocol work). Prints its port, then on close
// "<bytes> <cpu-seconds>" and exits. Usage: node tcp-sink.mjs discard|file [dir]

import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const mode = process.argv[2] ?? "discard";
const dir = process.argv[3];
const SEGMENT_BYTES = 256 * 1024 * 1024;
let fd = -1;
let segment = 0;
let inSegment = 0;

function roll() {
  if (fd >= 0) fs.closeSync(fd);
  fd = fs.openSync(path.join(dir, `${String(segment++).padStart(20, "0")}.log`), "w");
  inSegment = 0;
}

const server = net.createServer((socket) => {
  let bytes = 0;
  if (mode === "file") roll();
  socket.on("data", (chunk) => {
    bytes += chunk.length;
    if (mode !== "file") return;
    if (inSegment + chunk.length > SEGMENT_BYTES) roll();
    fs.writeSync(fd, chunk);
    inSegment += chunk.length;
  });
  socket.on("end", () => socket.end(`${bytes}\n`));
  socket.on("close", () => {
    const usage = process.cpuUsage();
    process.stdout.write(`${bytes} ${(usage.user + usage.system) / 1e6}\n`);
    server.close();
    if (fd >= 0) fs.closeSync(fd);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
