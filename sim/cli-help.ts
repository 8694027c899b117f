// The text of `runnel sim --help`.

import { faultKinds } from "./faults.ts";
import { singleBrokerKinds } from "./runs/fault-plan.ts";

export function helpText(): string {
  const excluded = faultKinds.filter((k) => !singleBrokerKinds.includes(k));
  return `usage: runnel sim --seed <n|0xhex> [options]
       runnel sim --seeds <from..to|a,b,c> [--jobs N] [options]

Runs one broker (node 1) with simulated producers and consumers in the deterministic simulator:
faults strike in the first 60% of the workload, then the broker is healed, a fresh consumer reads
everything back, and the checkers judge the run against docs/fault-model.md. One seed and these
options replay a run exactly; every failure prints the command that does.

run:
  --seed <n|0xhex>          one run, described at start (every drawn parameter)
  --seeds <a..b|a,b,c>      a batch: progress bar (on a terminal), summary table, failures by kind
  --jobs <N>                worker processes for a batch (default 1; this machine has 2 cores)
  --duration <60s>          how long the workload runs (default 60s); final reads follow
  --liveness-bound <30s>    simulated time the final reads may take (default 30s)
  --nodes 1|3|5             brokers (default 1). With 3 to 9: a cluster of combined brokers
                            (broker + controller), RF 3, min.insync.replicas 2, acks=all, under
                            the cluster fault contract; it takes --seed/--seeds, --jobs, --duration,
                            --liveness-bound, --profile, --workload, --partitions, --trace,
                            --check-determinism,
                            --quiet, --faults none|kind,..., and --rf <n>, --min-isr <n>, --unclean
                            (unclean.leader.election.enable: the loss it causes is excused there)
  --check-determinism       run each seed twice; differing traces name the first divergent event
                            and the first differing named draw
  --quiet                   do not print the run's parameters

workload and durability:
  --profile light|heavy     light: ~20 produce + 20 fetch requests/s; heavy: ~400 each (default light)
  --workload default|groups|idempotent
                            default: Jepsen's workload (consumers assign); groups: consumers are
                            members of 2 consumer groups (eager range; cooperative-sticky with
                            auto-commit; one static member each) that subscribe, commit after
                            polls, pause past the session timeout, close and crash; idempotent:
                            producers with enable.idempotence retrying across failovers
  --acks all|1|0            producer acks (default all)
  --fsync none|acks-all|acks-all-and-1
                            runnel.fsync.before.ack (default acks-all)
  --flush-messages <n|never>, --flush-ms <n|never>
                            topic flush.messages / flush.ms (default never)
  --draw-settings           draw acks, fsync, flush and segment size from the seed instead
  --partitions <n>          partitions of the workload's topic (default 6)

faults:
  --faults swarm|none|kind,kind,...
                            swarm (default): each seed draws which kinds are on and how hard
                            kinds: ${singleBrokerKinds.join(", ")}
                            (${excluded.join(", ")}: not in the single-broker contract)
  --schedule '<ms> <fault>; ...'
                            exactly these faults on the seed's drawn weather, e.g.
                            '1200 crash 1; 3400 restart 1; 5000 clog 1->1001; 9000 unclog 1->1001'
  --weather-off kind,...    switch static kinds (disk faults, latency tails, skew) off
  --ops '<ms> s<slot> <op>; ...'
                            exactly these client operations instead of the seed's workload:
                            start, crash, poll, send <key>=<value>,..., assign <keys>,
                            assign-from-start <keys>, subscribe <topics>, commit, close,
                            pause <ms>

failures:
  --trace <file.ndjson>     write the trace (runnel view <file> shows it)
  --trace-level standard|full
  --export chrome|shiviz    also export the trace (Perfetto / ShiViz) beside it
  --shrink                  on failure, shrink the seed's schedule and operations to a minimal
                            case (fast-check) and print its command and a test snippet
  --shrink-budget <runs>    simulation runs the shrinker may spend (default 300)

test only:
  --canary                  arm the planted bug (sim/canary.ts): every seed % 100 == 0 must fail
`;
}
