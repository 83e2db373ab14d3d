// The Hono app: body limits, content types, routes, docs, and the single error-to-HTTP mapping.
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { BudgetExceededError } from '../budget/index.ts'
import { KernelCompileError } from '../kernel/errors.ts'
import { geometryApiError } from './geometry-errors.ts'
import { router } from './openapi.ts'
import { ApiError, kernelInvalid, problemResponse } from './problems.ts'
import { mountDocs, VERSION } from './routes/docs.ts'
import { federation } from './routes/federation.ts'
import { geometry } from './routes/geometry.ts'
import { holons } from './routes/holons.ts'
import { ledger } from './routes/ledger.ts'
import { pulse } from './routes/pulse.ts'
import { topologies } from './routes/topologies.ts'
import { torsion } from './routes/torsion.ts'
import { verifier } from './routes/verify.ts'

const DEFAULT_MAX_BODY = 1 << 20

export function createApp() {
  const app = router()
  app.use('*', async (c, next) => {
    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'application/json') {
        throw new ApiError(
          'unsupported_media_type',
          `send the body as application/json (got '${type || 'nothing'}')`,
        )
      }
    }
    const maxSize = Number(c.env.OMEGA_MAX_BODY_BYTES) || DEFAULT_MAX_BODY
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError('payload_too_large', `request bodies are limited to ${maxSize} bytes`, {
          limit: maxSize,
        })
      },
    })(c, next)
  })
  app.get('/', (c) =>
    c.json({
      name: 'omega',
      version: VERSION,
      docs: '/docs',
      openapi: '/openapi.json',
      torsion: '/v1/torsion',
      holons: '/v1/holons/{id}',
      route: '/v1/route',
      topologies: '/v1/topologies/{name}',
    }),
  )
  app.route('/', torsion)
  app.route('/', holons)
  app.route('/', federation)
  app.route('/', ledger)
  app.route('/', pulse)
  app.route('/', verifier)
  app.route('/', geometry)
  app.route('/', topologies)
  mountDocs(app)
  app.notFound((c) => problemResponse(c, new ApiError('not_found', `no route ${c.req.method} ${c.req.path}`)))
  app.onError((err, c) => {
    if (err instanceof ApiError) return problemResponse(c, err)
    if (err instanceof KernelCompileError) return problemResponse(c, kernelInvalid(err.issues))
    if (err instanceof BudgetExceededError)
      return problemResponse(
        c,
        new ApiError('budget_exceeded', err.message, {
          budget: err.budget,
          limit: err.limit,
          unit: err.unit,
          cpu_ms: err.cpuMs,
        }),
      )
    const geometric = geometryApiError(err)
    if (geometric) return problemResponse(c, geometric)
    if (err instanceof HTTPException && err.status === 400)
      return problemResponse(c, new ApiError('malformed_json', err.message))
    console.error('unhandled error', err)
    return problemResponse(c, new ApiError('internal', 'an unexpected error occurred; it has been logged'))
  })
  return app
}
