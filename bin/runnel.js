#!/usr/bin/env node
// The `runnel` command: runs the TypeScript CLI through tsx (Node 20 has no TypeScript of its own).
import { register } from "tsx/esm/api";

register();
await import("../runtime/cli.ts");
