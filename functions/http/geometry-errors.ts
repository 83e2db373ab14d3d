// Geometry and topology errors (and their plain-data form from the Topology object) as 400 problems; an exhausted
// work budget reported by the object as the same 422 budget_exceeded the worker's own budgets answer.
import { failureOf, type GeometryFailure } from '../../durable-objects/topology/failures.ts'
import { ApiError, budgetProblem } from './problems.ts'

/** The problem for a refusal: points are 400 invalid_point, topology issues keep their own code. */
export function apiErrorOf(f: GeometryFailure): ApiError {
  switch (f.kind) {
    case 'point':
      return new ApiError('invalid_point', f.message, {
        issue: f.issue,
        errors: [{ pointer: f.pointer, message: f.message }],
      })
    case 'topology': {
      const at = f.extensions.pointer
      const errors = typeof at === 'string' ? { errors: [{ pointer: at, message: f.message }] } : {}
      return new ApiError(f.issue, f.message, { ...f.extensions, ...errors })
    }
    case 'not_found':
      return new ApiError('topology_not_found', f.message)
    case 'budget':
      return budgetProblem(f)
  }
}

/** For app.onError: the ApiError for a geometric refusal thrown in the worker itself. */
export function geometryApiError(e: unknown): ApiError | undefined {
  const f = failureOf(e)
  return f && apiErrorOf(f)
}
