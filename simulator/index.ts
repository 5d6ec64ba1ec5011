export { startSimulator, SimulatorState, SIMULATOR_VERSION, type SimulatorHandle, type SimulatorOptions } from "./server";
export { SimulatorModel, SCENARIOS, type ScenarioInput, type ScenarioName, type ModelOptions } from "./model";
export { faultConfigSchema, faultRuleSchema, type FaultConfigInput, type FaultRule } from "./faults";
export type { EffectsSummary } from "./idempotency";
