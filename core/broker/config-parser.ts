// Builds a BrokerConfig from Kafka-style properties (`key=value` lines or pairs), the way the
// runtime's CLI reads server.properties. Every problem is reported, each naming its line and key;
// nothing throws on bad input.

import { err, ok, type Result } from "../result.ts";
import { type BrokerConfig, brokerConfig, defaultBrokerConfig } from "./config.ts";
import {
  type AnyPropertySpec,
  type BrokerConfigValues,
  propertySpec,
} from "./config-properties.ts";

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line in the source text, when it came from one. */
  readonly line?: number;
}

/** Splits properties text into entries: `key=value` or `key: value`, `#`/`!` comments, blanks. */
export function splitProperties(text: string): Result<PropertyEntry[], string[]> {
  const entries: PropertyEntry[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) return;
    const match = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (match === null) {
      errors.push(`line ${i + 1}: "${line}" is not key=value`);
      return;
    }
    entries.push({ key: match[1] ?? "", value: match[2] ?? "", line: i + 1 });
  });
  return errors.length === 0 ? ok(entries) : err(errors);
}

/** Parses properties text into a config on top of `base` (Kafka's defaults by default). */
export function parseBrokerProperties(
  text: string,
  base: BrokerConfig = defaultBrokerConfig,
): Result<BrokerConfig, string[]> {
  const entries = splitProperties(text);
  return entries.ok ? parseBrokerPropertyEntries(entries.value, base) : entries;
}

/** Parses entries into a config; unknown names, bad values and repeated keys are errors. */
export function parseBrokerPropertyEntries(
  entries: readonly PropertyEntry[],
  base: BrokerConfig = defaultBrokerConfig,
): Result<BrokerConfig, string[]> {
  const errors: string[] = [];
  const chosen = new Map<string, { spec: AnyPropertySpec; value: unknown }>();
  const seen = new Set<string>();
  for (const entry of entries) {
    const where = entry.line === undefined ? entry.key : `line ${entry.line}: ${entry.key}`;
    const spec = propertySpec(entry.key);
    if (spec === undefined) {
      errors.push(`${where}: unknown property`);
      continue;
    }
    if (seen.has(entry.key)) {
      errors.push(`${where}: set more than once`);
      continue;
    }
    seen.add(entry.key);
    const value = spec.parse(entry.value);
    if (!value.ok) {
      errors.push(`${where}: ${value.error}`);
      continue;
    }
    const previous = chosen.get(spec.field);
    if (previous === undefined || spec.rank > previous.spec.rank) {
      chosen.set(spec.field, { spec, value: value.value });
    }
  }
  if (errors.length > 0) return err(errors);
  const overrides: Record<string, unknown> = {};
  for (const [field, { value }] of chosen) overrides[field] = value;
  const explicit = [...base.explicitProperties, ...seen].filter(
    (k, i, all) => all.indexOf(k) === i,
  );
  const values = overrides as Partial<BrokerConfigValues>;
  const coherence = checkCoherence({ ...base, ...values });
  if (coherence.length > 0) return err(coherence);
  const advertised =
    values.advertisedListeners ??
    (values.listeners !== undefined ? values.listeners : base.advertisedListeners);
  return ok(
    brokerConfig({
      ...base,
      ...values,
      advertisedListeners: advertised,
      explicitProperties: explicit,
    }),
  );
}

/** Rules between properties that single values cannot break alone. */
function checkCoherence(c: BrokerConfigValues): string[] {
  const errors: string[] = [];
  if (c.listeners.length === 0) errors.push("listeners: at least one listener is needed");
  if (c.groupMinSessionTimeoutMs > c.groupMaxSessionTimeoutMs) {
    errors.push("group.min.session.timeout.ms is above group.max.session.timeout.ms");
  }
  if (c.processRoles.includes("controller") && c.controllerQuorumVoters.length > 0) {
    if (!c.controllerQuorumVoters.some((v) => v.id === c.nodeId)) {
      errors.push(`controller.quorum.voters: node.id ${c.nodeId} is a controller but not a voter`);
    }
  }
  if (c.processRoles.includes("broker") && !c.processRoles.includes("controller")) {
    if (c.controllerQuorumVoters.length === 0) {
      errors.push("controller.quorum.voters: a broker-only node needs the voters to find them");
    }
  }
  if (
    !c.processRoles.includes("controller") &&
    c.controllerQuorumVoters.some((v) => v.id === c.nodeId)
  ) {
    errors.push(
      `controller.quorum.voters: node.id ${c.nodeId} is a voter without the controller role`,
    );
  }
  if (c.brokerSessionTimeoutMs <= c.brokerHeartbeatIntervalMs) {
    errors.push("broker.session.timeout.ms must be above broker.heartbeat.interval.ms");
  }
  return errors;
}
