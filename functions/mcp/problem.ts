// Errors of the gate, geometry and placement code as RFC 9457 problem documents for MCP tool errors.
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import { BudgetExceededError } from '../budget/index.ts'
import { geometryApiError } from '../http/geometry-errors.ts'
import { ApiError, budgetProblem, httpProblem, kernelInvalid, PROBLEMS, pointer } from '../http/problems.ts'
import { KernelCompileError } from '../kernel/errors.ts'
import { PlacementError } from '../placement/index.ts'

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  [extension: string]: unknown
}

/** Placement issues as the problem codes POST /v1/pareto answers. */
const PLACEMENT_CODE = {
  unknown_node: 'unknown_node',
  duplicate_node: 'duplicate_node',
  invalid_point: 'invalid_point',
  invalid_problem: 'bad_request',
} as const

/** The ApiError the REST edge (functions/http/app.ts onError) would answer, or undefined for a real fault. */
export function apiErrorOf(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err
  if (err instanceof KernelCompileError) return kernelInvalid(err.issues)
  if (err instanceof BudgetExceededError)
    return budgetProblem({ ...err, message: err.message, cpu_ms: err.cpuMs })
  if (err instanceof PlacementError)
    return new ApiError(PLACEMENT_CODE[err.issue], err.message, {
      errors: [{ pointer: err.pointer, message: err.message }],
    })
  const geometric = geometryApiError(err)
  if (geometric) return geometric
  if (err instanceof HTTPException) return httpProblem(err)
  return undefined
}

/** The problem document of an ApiError, as the REST API sends it (`instance` names the tool). */
export function problemOf(e: ApiError, instance: string): Problem {
  const [status, title] = PROBLEMS[e.code]
  return { type: `/problems/${e.code}`, title, status, detail: e.detail, instance, ...e.extensions }
}

/** Schema failures as the REST API's validation_failed problem, with JSON pointers into the tool arguments. */
export const validationFailed = (error: z.ZodError): ApiError =>
  new ApiError('validation_failed', `${error.issues.length} problem(s) in the arguments`, {
    errors: error.issues.map((i) => ({ pointer: pointer(i.path), message: i.message })),
  })
