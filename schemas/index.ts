// The schema registry: every published JSON Schema file in schemas/ is generated from these zod schemas.
import { z } from '@hono/zod-openapi'
import {
  Attestation,
  AttestationOpening,
  AttestBody,
  PlacementAttestation,
  PlacementAttestBody,
} from './attestation.ts'
import { AuctionRequest, AuctionResult } from './auction.ts'
import { Bill } from './billing.ts'
import { MdpRequest, MdpResult, MpcRequest, MpcResult } from './control.ts'
import { EquilibriumRequest, EquilibriumResult } from './equilibrium.ts'
import { GateResult, TorsionRequest } from './evaluation.ts'
import { CommitBody, Event } from './event.ts'
import { InboxBody, MeshPulse, PhasesBody, RhizomeArtifact } from './federation.ts'
import { ForecastRequest, ForecastResult } from './forecast.ts'
import { CommitReceipt, CreateBody, EventsPage, HolonInfo, KernelBody, StateDoc } from './holon.ts'
import { KernelSpec } from './kernel.ts'
import { HolonAnomalyResult, LabAnomalyRequest, LabAnomalyResult } from './lab-anomaly.ts'
import { CauseDoc, CounterfactualBody, CounterfactualDoc, RollbackBody, RollbackDoc } from './lab-cause.ts'
import { InductionBody, ProposalFiling } from './lab-induction.ts'
import { StressJob, StressJobRequest, StressRequest, StressResult } from './lab-stress.ts'
import { LedgerEntry, Receipt, VerifyReport, VerifyRequest } from './ledger.ts'
import { LiveMessage } from './live.ts'
import { MomConfig } from './mom-config.ts'
import { OrchestrationStrategy } from './orchestration-strategy.ts'
import { FleetNode, MetricsBatch, OrchestratorConfig, PlanDoc, Workload } from './orchestrator.ts'
import { ParetoRequest, ParetoResult } from './placement.ts'
import { BeatSnapshot, PulseBody, PulseDoc, TemporalDoc, WitnessPage } from './pulse.ts'
import {
  ConsensusRequest,
  ConsensusResult,
  EmbedRequest,
  EmbedResult,
  RouteRequest,
  RouteResult,
} from './routing.ts'
import { ShapleyRequest, ShapleyResult } from './shapley.ts'
import { TopologyCreate, TopologyPatch } from './topology.ts'

/** File stem -> schema, and whether it describes what a client sends (input) or receives (output). */
export const PUBLISHED = {
  kernel: [KernelSpec, 'input'],
  event: [Event, 'input'],
  'commit-body': [CommitBody, 'input'],
  'kernel-body': [KernelBody, 'input'],
  'create-body': [CreateBody, 'input'],
  'torsion-request': [TorsionRequest, 'input'],
  'gate-result': [GateResult, 'output'],
  state: [StateDoc, 'output'],
  'holon-info': [HolonInfo, 'output'],
  'commit-receipt': [CommitReceipt, 'output'],
  'events-page': [EventsPage, 'output'],
  'ledger-entry': [LedgerEntry, 'output'],
  receipt: [Receipt, 'output'],
  'rhizome-artifact': [RhizomeArtifact, 'output'],
  'federation-inbox': [InboxBody, 'input'],
  'mesh-pulse': [MeshPulse, 'input'],
  'federation-phases': [PhasesBody, 'input'],
  'verify-request': [VerifyRequest, 'input'],
  'verify-report': [VerifyReport, 'output'],
  // the MOM seed's own names for its two schemas
  mom_config: [MomConfig, 'input'],
  orchestration_strategy: [OrchestrationStrategy, 'input'],
  'fleet-node': [FleetNode, 'input'],
  workload: [Workload, 'input'],
  'orchestrator-config': [OrchestratorConfig, 'input'],
  'metrics-batch': [MetricsBatch, 'input'],
  'orchestrator-plan': [PlanDoc, 'output'],
  'route-request': [RouteRequest, 'input'],
  'route-result': [RouteResult, 'output'],
  'embed-request': [EmbedRequest, 'input'],
  'embed-result': [EmbedResult, 'output'],
  'consensus-request': [ConsensusRequest, 'input'],
  'consensus-result': [ConsensusResult, 'output'],
  'topology-create': [TopologyCreate, 'input'],
  'topology-patch': [TopologyPatch, 'input'],
  'pulse-body': [PulseBody, 'input'],
  pulse: [PulseDoc, 'output'],
  beat: [BeatSnapshot, 'output'],
  temporal: [TemporalDoc, 'output'],
  'witness-page': [WitnessPage, 'output'],
  'live-message': [LiveMessage, 'output'],
  'forecast-request': [ForecastRequest, 'input'],
  'forecast-result': [ForecastResult, 'output'],
  'mpc-request': [MpcRequest, 'input'],
  'mpc-result': [MpcResult, 'output'],
  'mdp-request': [MdpRequest, 'input'],
  'mdp-result': [MdpResult, 'output'],
  'pareto-request': [ParetoRequest, 'input'],
  'lab-cause': [CauseDoc, 'output'],
  'lab-counterfactual-body': [CounterfactualBody, 'input'],
  'lab-counterfactual': [CounterfactualDoc, 'output'],
  'lab-rollback-body': [RollbackBody, 'input'],
  'lab-rollback': [RollbackDoc, 'output'],
  'pareto-result': [ParetoResult, 'output'],
  'shapley-request': [ShapleyRequest, 'input'],
  'shapley-result': [ShapleyResult, 'output'],
  'equilibrium-request': [EquilibriumRequest, 'input'],
  'equilibrium-result': [EquilibriumResult, 'output'],
  'auction-request': [AuctionRequest, 'input'],
  'auction-result': [AuctionResult, 'output'],
  bill: [Bill, 'output'],
  'lab-stress-request': [StressRequest, 'input'],
  'lab-stress-result': [StressResult, 'output'],
  'lab-stress-job-request': [StressJobRequest, 'input'],
  'lab-stress-job': [StressJob, 'output'],
  'lab-anomaly-request': [LabAnomalyRequest, 'input'],
  'lab-anomaly-result': [LabAnomalyResult, 'output'],
  'holon-anomaly-result': [HolonAnomalyResult, 'output'],
  'induction-body': [InductionBody, 'input'],
  'proposal-filing': [ProposalFiling, 'output'],
  'attest-body': [AttestBody, 'input'],
  attestation: [Attestation, 'output'],
  'attestation-opening': [AttestationOpening, 'output'],
  'placement-attest-body': [PlacementAttestBody, 'input'],
  'placement-attestation': [PlacementAttestation, 'output'],
} as const satisfies Record<string, readonly [z.ZodType, 'input' | 'output']>

export type PublishedName = keyof typeof PUBLISHED

export function jsonSchemaOf(name: PublishedName): Record<string, unknown> {
  const [schema, io] = PUBLISHED[name]
  return {
    $id: `urn:omega:schema:${name}`,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }),
  }
}

export * from './attestation.ts'
export * from './auction.ts'
export * from './control.ts'
export * from './equilibrium.ts'
export * from './evaluation.ts'
export * from './event.ts'
export * from './federation.ts'
export * from './forecast.ts'
export * from './geometry.ts'
export * from './holon.ts'
export * from './kernel.ts'
export * from './lab-anomaly.ts'
export * from './lab-induction.ts'
export * from './lab-stress.ts'
export * from './ledger.ts'
export * from './live.ts'
export * from './mom-config.ts'
export * from './orchestration-strategy.ts'
export * from './orchestrator.ts'
export * from './placement.ts'
export * from './pulse.ts'
export * from './routing.ts'
export * from './shapley.ts'
export * from './tenancy.ts'
export * from './topology.ts'
