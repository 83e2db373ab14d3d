// Worker entry point: the Hono app for HTTP, and the Durable Object classes wrangler binds.
import { createApp } from './http/app.ts'

export { DirectoryObject } from '../durable-objects/directory/directory-object.ts'
export { FederationObject } from '../durable-objects/federation/federation-object.ts'
export { HolonObject } from '../durable-objects/holon/holon-object.ts'
export { OrchestratorObject } from '../durable-objects/orchestrator/orchestrator-object.ts'
export { TopologyObject } from '../durable-objects/topology/topology-object.ts'

export default createApp()
