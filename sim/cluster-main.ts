// `npx tsx sim/cluster-main.ts --seed 0x… --nodes 3 [--seeds N] [--faults none|kind,...]
// [--duration 60000ms] [--profile heavy] [--unclean] [--liveness-bound 30000ms]`: runs cluster
// scenarios and prints each outcome; a failure prints its replay command and exits 1.

import { parseClusterArgs } from "./cluster-args.ts";
import { runCluster } from "./cluster-run.ts";
import { formatSeed } from "./prng.ts";

const parsed = parseClusterArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(parsed.error);
  process.exit(2);
}
let failed = 0;
for (const s of parsed.value.scenarios) {
  const started = performance.now();
  const outcome = runCluster(s);
  const wallMs = performance.now() - started;
  const st = outcome.stats;
  const line = [
    `seed=${formatSeed(s.seed)}`,
    outcome.ok ? "ok" : `FAIL ${outcome.failure?.kind}`,
    `events=${st.events}`,
    `sim=${Math.round(st.simulatedMs)}ms`,
    `wall=${Math.round(wallMs)}ms`,
    `acked=${st.valuesAcked}`,
    `read=${st.valuesRead}`,
    `elections=${st.elections}`,
    `faults=${st.faultsApplied}`,
    `final=${st.finalReadsDoneMs ?? "-"}`,
  ].join(" ");
  console.log(line);
  if (!outcome.ok) {
    failed++;
    console.log(`  ${outcome.failure?.message}`);
    console.log(`  at t=${outcome.failure?.t}; replay: ${outcome.replay}`);
    if (parsed.value.stopOnFailure) break;
  }
}
process.exit(failed > 0 ? 1 : 0);
