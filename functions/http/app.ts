// The Hono app: routes, docs, 404/405, and the single error-to-HTTP mapping (body guards: openapi.ts router()).
import { HTTPException } from 'hono/http-exception'
import { BudgetExceededError } from '../budget/index.ts'
import { KernelCompileError } from '../kernel/errors.ts'
import { geometryApiError } from './geometry-errors.ts'
import { methodNotAllowed } from './middleware/index.ts'
import { router } from './openapi.ts'
import { ApiError, budgetProblem, httpProblem, kernelInvalid, problemResponse } from './problems.ts'
import { attestations } from './routes/attestations.ts'
import { control } from './routes/control.ts'
import { billing } from './routes/costs.ts'
import { dashboard } from './routes/dashboard.ts'
import { mountDocs, VERSION } from './routes/docs.ts'
import { federation } from './routes/federation.ts'
import { forecasting } from './routes/forecast.ts'
import { geometry } from './routes/geometry.ts'
import { holons } from './routes/holons.ts'
import { labAnomaly } from './routes/lab-anomaly.ts'
import { labCause } from './routes/lab-cause.ts'
import { labInduction } from './routes/lab-induction.ts'
import { labStress } from './routes/lab-stress.ts'
import { ledger } from './routes/ledger.ts'
import { liveChannel } from './routes/live.ts'
import { marketsAuction } from './routes/markets-auction.ts'
import { marketsEquilibrium } from './routes/markets-equilibrium.ts'
import { marketsShapley } from './routes/markets-shapley.ts'
import { mcp } from './routes/mcp.ts'
import { orchestratorAttestations } from './routes/orchestrator-attestations.ts'
import { orchestrators } from './routes/orchestrators.ts'
import { placement } from './routes/placement.ts'
import { pulse } from './routes/pulse.ts'
import { tenants } from './routes/tenants.ts'
import { topologies } from './routes/topologies.ts'
import { torsion } from './routes/torsion.ts'
import { verifier } from './routes/verify.ts'

export function createApp() {
  const app = router()
  app.get('/', (c) =>
    c.json({
      name: 'omega',
      version: VERSION,
      dashboard: '/dashboard',
      docs: '/docs',
      openapi: '/openapi.json',
      torsion: '/v1/torsion',
      holons: '/v1/holons',
      holon: '/v1/holons/{id}',
      route: '/v1/route',
      topologies: '/v1/topologies/{name}',
      orchestrators: '/v1/orchestrators/{id}',
      mcp: '/mcp',
    }),
  )
  app.route('/', torsion)
  app.route('/', holons)
  app.route('/', liveChannel)
  app.route('/', federation)
  app.route('/', ledger)
  app.route('/', pulse)
  app.route('/', verifier)
  app.route('/', geometry)
  app.route('/', topologies)
  app.route('/', orchestrators)
  app.route('/', billing)
  app.route('/', forecasting)
  app.route('/', control)
  app.route('/', placement)
  app.route('/', marketsShapley)
  app.route('/', marketsEquilibrium)
  app.route('/', marketsAuction)
  app.route('/', labAnomaly)
  app.route('/', mcp)
  app.route('/', tenants)
  app.route('/', dashboard)
  app.route('/', labCause)
  app.route('/', labStress)
  app.route('/', labInduction)
  app.route('/', attestations)
  app.route('/', orchestratorAttestations)
  mountDocs(app)
  app.notFound(methodNotAllowed(app))
  app.onError((err, c) => {
    if (err instanceof ApiError) return problemResponse(c, err)
    if (err instanceof KernelCompileError) return problemResponse(c, kernelInvalid(err.issues))
    if (err instanceof BudgetExceededError)
      return problemResponse(c, budgetProblem({ ...err, message: err.message, cpu_ms: err.cpuMs }))
    const geometric = geometryApiError(err)
    if (geometric) return problemResponse(c, geometric)
    if (err instanceof HTTPException) return problemResponse(c, httpProblem(err))
    console.error('unhandled error', err)
    return problemResponse(c, new ApiError('internal', 'an unexpected error occurred; it has been logged'))
  })
  return app
}
