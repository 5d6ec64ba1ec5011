"use client";

import type { PanelsModel } from "@/lib/telemetry/panels";
import { percent } from "@/lib/telemetry/format";
import { Meter, PanelFrame, Stat, type Freshness } from "./panel-frame";
import type { OfferRunbook } from "./runbook-offer";

const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);

/** FlowEngine replicas and HPA bounds, CPU and the DB pool against the phase's targets (RB-LAUNCH-003). */
export function CapacityPanel({ model, freshness, runbooks }: { model: PanelsModel; freshness: Freshness; runbooks: Record<string, OfferRunbook> }) {
  const c = model.capacity;
  const fe = c.flowEngine;
  const t = c.target;
  const targetLabel = `${range(t.replicas.min, t.replicas.max)}${t.hpa ? " (HPA)" : " (fixed)"}`;
  return (
    <PanelFrame
      id="capacity"
      title="Capacity"
      subtitle={`${c.phaseLabel} target: FlowEngine ${targetLabel}, DB pool ${t.dbPool}; CPU over ${c.cpuTriggerPercent} % is a trigger`}
      alerts={c.alerts}
      freshness={freshness}
      runbooks={runbooks}
    >
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat label="FlowEngine replicas" value={fe.replicas} detail={`HPA ${range(fe.hpaMin, fe.hpaMax)} · target ${targetLabel}`} tone={fe.hpaMeetsTarget ? "ok" : "warning"} testId="capacity-replicas" />
        <Stat label="CPU" value={percent(fe.cpuPercent)} tone={fe.cpuOver ? "warning" : "ok"} testId="capacity-cpu" />
        <Stat label="Flows running / queued" value={`${fe.runningFlows} / ${fe.queuedFlows}`} />
        <Stat
          label="DB pool in use"
          value={`${c.dbPool.inUse} / ${c.dbPool.size}`}
          detail={`target size ${c.dbPool.target}`}
          tone={c.dbPool.exhausted ? "critical" : c.dbPool.sizeMeetsTarget ? "ok" : "warning"}
          testId="capacity-db-pool"
        />
      </dl>
      <div className="space-y-3">
        <div>
          <p className="mb-1 text-xs text-zinc-500">FlowEngine CPU</p>
          <Meter label={`CPU ${percent(fe.cpuPercent)}, trigger at ${c.cpuTriggerPercent} %`} value={fe.cpuPercent} max={100} tone={fe.cpuOver ? "warning" : "ok"} marks={[{ at: c.cpuTriggerPercent, label: `${c.cpuTriggerPercent} %` }]} />
        </div>
        <div>
          <p className="mb-1 text-xs text-zinc-500">Replicas within HPA bounds (scale to {Math.max(fe.hpaMax, t.replicas.max)})</p>
          <Meter
            label={`${fe.replicas} replicas, HPA ${range(fe.hpaMin, fe.hpaMax)}, target ${targetLabel}`}
            value={fe.replicas}
            max={Math.max(fe.hpaMax, t.replicas.max)}
            tone={fe.hpaMeetsTarget ? "ok" : "warning"}
            marks={[
              { at: t.replicas.min, label: `target min ${t.replicas.min}` },
              ...(t.replicas.max !== t.replicas.min ? [{ at: t.replicas.max, label: `max ${t.replicas.max}` }] : []),
            ]}
          />
        </div>
        <div>
          <p className="mb-1 text-xs text-zinc-500">DB connection pool ({percent(c.dbPool.usePercent, 0)} in use)</p>
          <Meter
            label={`DB pool ${c.dbPool.inUse} of ${c.dbPool.size} connections in use; target size ${c.dbPool.target}`}
            value={c.dbPool.inUse}
            max={Math.max(c.dbPool.size, c.dbPool.target, c.dbPool.inUse)}
            tone={c.dbPool.exhausted ? "critical" : "ok"}
            marks={[{ at: c.dbPool.size, label: `size ${c.dbPool.size}` }, ...(c.dbPool.target !== c.dbPool.size ? [{ at: c.dbPool.target, label: `target ${c.dbPool.target}` }] : [])]}
          />
        </div>
      </div>
    </PanelFrame>
  );
}
