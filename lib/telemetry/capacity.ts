/** Capacity maths (RB-LAUNCH-003): FlowEngine replicas and HPA bounds, CPU, DB pool, against the phase's targets. */
import type { Capacity, Phase } from "../control-plane/contract";
import type { PanelAlert } from "./alerts";
import { percent } from "./format";
import { CAPACITY_TARGETS, CPU_TRIGGER_PERCENT, PHASE_LABELS, RUNBOOK_FOR, type CapacityTarget } from "./thresholds";

/** RB-LAUNCH-003 "CPU >85%": exactly 85 % is not over. */
export function cpuOverTrigger(cpuPercent: number): boolean {
  return cpuPercent > CPU_TRIGGER_PERCENT;
}

/** The HPA bounds cover the phase's target range (pilot: exactly 3, fixed). */
export function hpaMeetsTarget(hpa: { hpaMin: number; hpaMax: number }, target: CapacityTarget): boolean {
  return hpa.hpaMin >= target.replicas.min && hpa.hpaMax >= target.replicas.max;
}

export type CapacityPanel = {
  phase: Phase;
  phaseLabel: string;
  target: CapacityTarget;
  flowEngine: Capacity["flowEngine"] & { hpaMeetsTarget: boolean; cpuOver: boolean };
  cpuTriggerPercent: number;
  dbPool: { inUse: number; size: number; usePercent: number; target: number; sizeMeetsTarget: boolean; exhausted: boolean };
  alerts: PanelAlert[];
};

export function evaluateCapacity(input: { phase: Phase; capacity: Capacity }): CapacityPanel {
  const target = CAPACITY_TARGETS[input.phase];
  const phaseLabel = PHASE_LABELS[input.phase];
  const fe = input.capacity.flowEngine;
  const pool = input.capacity.dbPool;
  const flowEngine = { ...fe, hpaMeetsTarget: hpaMeetsTarget(fe, target), cpuOver: cpuOverTrigger(fe.cpuPercent) };
  const dbPool = {
    inUse: pool.inUse,
    size: pool.size,
    usePercent: pool.size > 0 ? (pool.inUse / pool.size) * 100 : 100,
    target: target.dbPool,
    sizeMeetsTarget: pool.size >= target.dbPool,
    exhausted: pool.inUse >= pool.size,
  };
  const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);

  const alerts: PanelAlert[] = [];
  if (flowEngine.cpuOver) {
    alerts.push({
      key: "capacity.cpu",
      severity: "warning",
      message: `FlowEngine CPU is ${percent(fe.cpuPercent)}, over ${CPU_TRIGGER_PERCENT} % (${fe.replicas} replicas, HPA ${range(fe.hpaMin, fe.hpaMax)}).`,
      runbookId: RUNBOOK_FOR.capacity,
    });
  }
  if (!flowEngine.hpaMeetsTarget) {
    alerts.push({
      key: "capacity.hpa",
      severity: "warning",
      message: `FlowEngine HPA ${range(fe.hpaMin, fe.hpaMax)} is below the ${phaseLabel} target of ${range(target.replicas.min, target.replicas.max)} replicas.`,
      runbookId: RUNBOOK_FOR.capacity,
    });
  }
  if (dbPool.exhausted) {
    alerts.push({
      key: "capacity.db-pool-exhausted",
      severity: "critical",
      message: `The DB connection pool is exhausted (${pool.inUse} of ${pool.size} in use).`,
      runbookId: RUNBOOK_FOR.capacity,
    });
  }
  if (!dbPool.sizeMeetsTarget) {
    alerts.push({
      key: "capacity.db-pool-size",
      severity: "warning",
      message: `The DB pool holds ${pool.size} connections, below the ${phaseLabel} target of ${target.dbPool}.`,
      runbookId: RUNBOOK_FOR.capacity,
    });
  }
  return { phase: input.phase, phaseLabel, target, flowEngine, cpuTriggerPercent: CPU_TRIGGER_PERCENT, dbPool, alerts };
}
