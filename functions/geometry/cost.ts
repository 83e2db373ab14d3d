// What geometric work costs in budget steps: one step is about one 2-D distance evaluation (docs/geometry.md).

/** Steps one distance evaluation costs in dimension `dim`: a fixed part (asinh, bookkeeping) plus the coordinates. */
export const distanceSteps = (dim: number): number => 1 + dim / 8
